using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>A floating-point constant, already rounded to its dtype. Equality compares bits, so -0.0 and 0.0 differ.</summary>
public sealed record FloatImm : Expr
{
    public FloatImm(DType dtype, double value)
    {
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"FloatImm of non-floating dtype {dtype}", nameof(dtype));
        DType = dtype;
        Value = ScalarMath.RoundTo(dtype, value);
    }

    public override DType DType { get; }
    public double Value { get; }

    public bool Equals(FloatImm? other) =>
        other is not null && other.DType == DType
        && BitConverter.DoubleToInt64Bits(other.Value) == BitConverter.DoubleToInt64Bits(Value);

    public override int GetHashCode() => HashCode.Combine(DType, BitConverter.DoubleToInt64Bits(Value));
}
