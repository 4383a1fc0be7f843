using Jit.TensorExpr;

namespace Jit.Kernels.Building;

/// <summary>One reduction loop: its index runs over [<see cref="Start"/>, <see cref="Stop"/>), bounds that may depend on the output index.</summary>
internal sealed record ReductionAxis(Expr Start, Expr Stop)
{
    /// <summary>[0, <paramref name="extent"/>).</summary>
    public static ReductionAxis Range(Expr extent) => new(Expr.Int(0), extent);
}
