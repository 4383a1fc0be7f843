using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>
/// Conversion to <see cref="Target"/> with PyTorch's semantics: float to integer truncates toward
/// zero (then wraps to the width), anything to bool is <c>!= 0</c> (NaN is true), float64 to
/// float16/bfloat16 goes through float32 and rounds to nearest even.
/// </summary>
public sealed record CastExpr(DType Target, Expr X) : Expr
{
    public override DType DType => Target;
}
