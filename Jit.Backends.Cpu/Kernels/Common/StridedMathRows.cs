using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// A tensor seen as rows for a reduction or a softmax over some dims: a view with the kept dims
/// first and the reduced dims last, so that gathering it gives <see cref="Outer"/> contiguous rows
/// of <see cref="Inner"/> elements each.
/// </summary>
internal sealed class StridedMathRows
{
    private readonly int[] _perm;

    public StridedMathRows(Tensor t, int[] dims)
    {
        var reduced = new bool[t.Rank];
        foreach (var d in dims) reduced[d] = true;
        _perm = Enumerable.Range(0, t.Rank).Where(d => !reduced[d]).Concat(Enumerable.Range(0, t.Rank).Where(d => reduced[d])).ToArray();
        Dims = dims;
        Source = t;
        PermutedSizes = _perm.Select(d => t.Sizes[d]).ToArray();
        View = Permute(t);
        Outer = 1;
        Inner = 1;
        for (int d = 0; d < t.Rank; d++)
        {
            if (reduced[d]) Inner *= t.Sizes[d];
            else Outer *= t.Sizes[d];
        }
    }

    public Tensor Source { get; }
    public int[] Dims { get; }
    public Tensor View { get; }
    public long[] PermutedSizes { get; }
    public long Outer { get; }
    public long Inner { get; }

    public double[] GatherDouble() => StridedMathCopy.GatherDouble(View, PermutedSizes);
    public long[] GatherLong() => StridedMathCopy.GatherLong(View, PermutedSizes);

    /// <summary>Shape of the reduction result: reduced dims dropped, or kept as 1 with keepdim.</summary>
    public long[] OutShape(bool keepdim)
    {
        var r = new List<long>();
        for (int d = 0; d < Source.Rank; d++)
        {
            if (!Dims.Contains(d)) r.Add(Source.Sizes[d]);
            else if (keepdim) r.Add(1);
        }
        return r.ToArray();
    }

    /// <summary>Writes row-major rows (same layout as the gather) into <paramref name="dst"/>, which has the source's shape.</summary>
    public void Scatter(ReadOnlySpan<double> rows, Tensor dst) => StridedMathCopy.Scatter(rows, Permute(dst));

    public void Scatter(ReadOnlySpan<long> rows, Tensor dst) => StridedMathCopy.Scatter(rows, Permute(dst));

    private Tensor Permute(Tensor t) => t.AsStrided(
        _perm.Select(d => t.Sizes[d]).ToArray(), _perm.Select(d => t.Strides[d]).ToArray(), t.StorageOffset);
}
