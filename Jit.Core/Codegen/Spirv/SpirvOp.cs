namespace Jit.Codegen.Spirv;

/// <summary>The SPIR-V opcodes <see cref="SpirvModuleBuilder"/> emits (values from the SPIR-V 1.3 specification).</summary>
public enum SpirvOp : ushort
{
    Name = 5, Extension = 10, ExtInstImport = 11, ExtInst = 12, MemoryModel = 14, EntryPoint = 15,
    ExecutionMode = 16, Capability = 17,
    TypeVoid = 19, TypeBool = 20, TypeInt = 21, TypeFloat = 22, TypeVector = 23, TypeArray = 28,
    TypeRuntimeArray = 29, TypeStruct = 30, TypePointer = 32, TypeFunction = 33,
    ConstantTrue = 41, ConstantFalse = 42, Constant = 43,
    Function = 54, FunctionEnd = 56, Variable = 59, Load = 61, Store = 62, AccessChain = 65,
    Decorate = 71, MemberDecorate = 72, CompositeExtract = 81,
    ConvertFToS = 110, ConvertSToF = 111, UConvert = 113, SConvert = 114, FConvert = 115, Bitcast = 124,
    SNegate = 126, FNegate = 127, IAdd = 128, FAdd = 129, ISub = 130, FSub = 131, IMul = 132, FMul = 133,
    SDiv = 135, FDiv = 136, SRem = 138, FRem = 140, IsNan = 156, IsInf = 157,
    LogicalEqual = 164, LogicalNotEqual = 165, LogicalOr = 166, LogicalAnd = 167, LogicalNot = 168, Select = 169,
    IEqual = 170, INotEqual = 171, SGreaterThan = 173, SGreaterThanEqual = 175, SLessThan = 177, SLessThanEqual = 179,
    FOrdEqual = 180, FOrdNotEqual = 182, FUnordNotEqual = 183, FOrdLessThan = 184, FOrdGreaterThan = 186,
    FOrdLessThanEqual = 188, FOrdGreaterThanEqual = 190,
    ShiftRightArithmetic = 195, ShiftLeftLogical = 196, BitwiseOr = 197, BitwiseXor = 198, BitwiseAnd = 199, Not = 200,
    ControlBarrier = 224, Phi = 245, LoopMerge = 246, SelectionMerge = 247, Label = 248, Branch = 249,
    BranchConditional = 250, Return = 253,
}
