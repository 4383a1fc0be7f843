using Jit.TensorExpr;

namespace Jit.Kernels.Building;

/// <summary>
/// NumPy broadcasting decided at run time, so one kernel serves every size: a dim of size 1
/// broadcasts, whatever the size turns out to be when the kernel is bound.
/// </summary>
internal static class Broadcast
{
    /// <summary>The broadcast of two sizes: <c>a == 1 ? b : a</c> (the same var when both are).</summary>
    public static Expr Size(Expr a, Expr b) =>
        a.Equals(b) || b is IntImm { Value: 1 } ? a : a is IntImm { Value: 1 } ? b : Expr.Select(Expr.Eq(a, 1), b, a);

    /// <summary>Right-aligned broadcast of two shapes.</summary>
    public static Expr[] Shape(IReadOnlyList<Expr> a, IReadOnlyList<Expr> b)
    {
        int rank = Math.Max(a.Count, b.Count);
        var r = new Expr[rank];
        for (int d = 0; d < rank; d++)
        {
            int da = d - (rank - a.Count), db = d - (rank - b.Count);
            r[d] = da < 0 ? b[db] : db < 0 ? a[da] : Size(a[da], b[db]);
        }
        return r;
    }

    /// <summary>The index into a dim of size <paramref name="size"/> broadcast to <paramref name="outSize"/> at <paramref name="index"/>.</summary>
    public static Expr Index(Expr size, Expr outSize, Expr index) =>
        size.Equals(outSize) ? index : size is IntImm { Value: 1 } ? Expr.Int(0) : Expr.Select(Expr.Eq(size, 1), Expr.Int(0), index);

    /// <summary><paramref name="buffer"/> read at output position <paramref name="index"/> of shape <paramref name="outShape"/> (dims aligned at the right).</summary>
    public static LoadExpr Load(TeBuffer buffer, IReadOnlyList<Expr> outShape, IReadOnlyList<Expr> index)
    {
        int lead = index.Count - buffer.Rank;
        var idx = new Expr[buffer.Rank];
        for (int d = 0; d < buffer.Rank; d++) idx[d] = Index(buffer.Sizes[d], outShape[lead + d], index[lead + d]);
        return buffer.Load(idx);
    }

    /// <summary>Whether a tensor of <paramref name="sizes"/> broadcasts to <paramref name="target"/> without growing it.</summary>
    public static bool Fits(ReadOnlySpan<long> sizes, ReadOnlySpan<long> target)
    {
        if (sizes.Length > target.Length) return false;
        int lead = target.Length - sizes.Length;
        for (int d = 0; d < sizes.Length; d++)
        {
            if (sizes[d] != 1 && sizes[d] != target[lead + d]) return false;
        }
        return true;
    }
}
