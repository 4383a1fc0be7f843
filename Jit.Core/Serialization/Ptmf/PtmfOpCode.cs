namespace Jit.Serialization.Ptmf;

/// <summary>
/// Mobile bytecode opcodes, numbered in the order of <c>FORALL_OPCODES</c> in
/// torch/csrc/jit/runtime/instruction.h (an Instruction's <c>op</c> byte is this number).
/// </summary>
public enum PtmfOpCode : sbyte
{
    Op, OpN, Load, Move, StoreN, Store, Drop, DropR, LoadC, JF, Jmp, Loop, Ret, Wait, Call, Guard, TypeCheck,
    FailGuard, ProfileOp, TailCall, InterfaceCall, GetAttr, SetAttr, ListUnpack, TupleConstruct,
    NamedTupleConstruct, ListConstruct, DictConstruct, CreateObject, IsInstance, TupleSlice, TupleIndex,
    RaiseException, DictIndex, UncheckedCast, Is, UnInitialized, IsNot, Format, Device, DType, Dim, Not,
    ToList, NumToTensor, IsCuda, Fork, Warn, Enter, Exit,
}
