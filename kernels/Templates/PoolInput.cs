using Jit.Kernels.Building;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Kernels.Templates;

/// <summary>
/// What every 2-D pooling template shares: the [N, C, H, W] or [C, H, W] floating input the CPU
/// kernels accept, and the first-index-of-the-maximum rule max pooling reports (flat h·W + w of
/// the first tap holding the maximum, or the first NaN).
/// </summary>
internal static class PoolInput
{
    /// <summary>Checks the input as the CPU kernel does: floating, 3-D or 4-D, non-empty spatial and channel dims.</summary>
    public static void Validate(TemplateArgs args, Tensor x)
    {
        if (!x.DType.IsFloatingPoint()) throw args.Unsupported($"dtype {x.DType.PythonName()} (pooling takes floating tensors)");
        bool ok = (x.Rank == 3 || x.Rank == 4) && x.Sizes[^1] > 0 && x.Sizes[^2] > 0 && (x.Rank == 3 || x.Sizes[1] > 0);
        if (!ok) throw args.Unsupported("expected a 3-D or 4-D input with non-empty spatial and channel dims");
    }

    /// <summary>The loop indices of the dims in front of H and W.</summary>
    public static Expr[] Leading(IReadOnlyList<Var> index) => index.Take(index.Count - 2).ToArray<Expr>();

    /// <summary>
    /// A Min reduction's value for the argmax pass after a max pass: the flat index of a tap that
    /// holds <paramref name="max"/> (or NaN), else the largest int64.
    /// </summary>
    public static Expr ArgMaxCandidate(Expr value, Expr max, Expr y, Expr x, Expr width, Expr? inside = null)
    {
        Expr hit = Expr.Or(Expr.Eq(value, max), Expr.Call(Intrinsic.IsNan, value));
        if (inside is not null) hit = Expr.And(inside, hit);
        return Expr.Select(hit, y * width + x, new IntImm(DType.Int64, long.MaxValue));
    }
}
