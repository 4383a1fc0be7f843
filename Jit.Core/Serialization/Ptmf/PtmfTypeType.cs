namespace Jit.Serialization.Ptmf;

/// <summary>PTMF's <c>TypeType</c>: how an object of an <see cref="PtmfObjectType"/> stores its state.</summary>
public enum PtmfTypeType : byte
{
    Unset = 0,
    ClassWithField = 1,
    CustomClass = 2,
    ClassWithSetState = 3,
    NonObj = 4,
}
