using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>An intrinsic applied to its arguments, all of one dtype; the result has that dtype (bool for <see cref="Intrinsic.IsNan"/>).</summary>
public sealed record CallExpr(Intrinsic Fn, NodeList<Expr> Args) : Expr
{
    public override DType DType => Fn == Intrinsic.IsNan ? DType.Bool : Args[0].DType;

    /// <summary>How many arguments <paramref name="fn"/> takes.</summary>
    public static int Arity(Intrinsic fn) => fn >= Intrinsic.Pow ? 2 : 1;
}
