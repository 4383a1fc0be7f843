using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>An integer or bool constant (bool is 0 or 1), already wrapped to its dtype.</summary>
public sealed record IntImm : Expr
{
    public IntImm(DType dtype, long value)
    {
        if (dtype.IsFloatingPoint()) throw new ArgumentException($"IntImm of floating dtype {dtype}", nameof(dtype));
        DType = dtype;
        Value = ScalarMath.Wrap(dtype, value);
    }

    public override DType DType { get; }
    public long Value { get; }
}
