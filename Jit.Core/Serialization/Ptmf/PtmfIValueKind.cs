namespace Jit.Serialization.Ptmf;

/// <summary>The members of PTMF's <c>IValueUnion</c>, numbered as in mobile_bytecode.fbs.</summary>
public enum PtmfIValueKind : byte
{
    None = 0,
    Int = 1,
    Bool = 2,
    Double = 3,
    ComplexDouble = 4,
    TensorMetadata = 5,
    String = 6,
    List = 7,
    Tuple = 8,
    Dict = 9,
    Object = 10,
    IntList = 11,
    DoubleList = 12,
    BoolList = 13,
    Device = 14,
    EnumValue = 15,
    Function = 16,
}
