namespace Jit.Tensors;

/// <summary>Element types, numbered as PyTorch's <c>c10::ScalarType</c> so serialized values map one to one.</summary>
public enum DType : sbyte
{
    UInt8 = 0,
    Int8 = 1,
    Int16 = 2,
    Int32 = 3,
    Int64 = 4,
    Float16 = 5,
    Float32 = 6,
    Float64 = 7,
    Bool = 11,
    BFloat16 = 15,
}
