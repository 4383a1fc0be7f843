using Jit.Errors;
using Jit.Tensors;

namespace Jit.Runtime.Devices;

/// <summary>
/// A copy's iteration space: the destination's dims with size-1 dims dropped and neighbours that
/// are contiguous in both tensors merged; the source broadcast to it (stride 0 where it repeats).
/// </summary>
public sealed class CopyGeometry
{
    private CopyGeometry(long[] sizes, long[] src, long[] dst, long count)
    {
        Sizes = sizes;
        SourceStrides = src;
        DestinationStrides = dst;
        Count = count;
    }

    public long[] Sizes { get; }
    public long[] SourceStrides { get; }
    public long[] DestinationStrides { get; }
    public long Count { get; }
    public int Rank => Sizes.Length;

    /// <summary>One run of consecutive elements in both tensors.</summary>
    public bool IsContiguous => Rank == 0 || (Rank == 1 && SourceStrides[0] == 1 && DestinationStrides[0] == 1);

    /// <summary>The geometry of <c>dst.copy_(src)</c>; <paramref name="maxRank"/> dims at most after merging (<paramref name="device"/> names the backend in the error).</summary>
    public static CopyGeometry Create(Tensor dst, Tensor src, int maxRank, string device)
    {
        if (src.Rank > dst.Rank)
            throw Mismatch(dst, src);
        int lead = dst.Rank - src.Rank;
        var sizes = new List<long>();
        var ss = new List<long>();
        var ds = new List<long>();
        for (int d = 0; d < dst.Rank; d++)
        {
            long size = dst.Sizes[d];
            long srcStride = 0;
            if (d >= lead)
            {
                long srcSize = src.Sizes[d - lead];
                if (srcSize != size && srcSize != 1) throw Mismatch(dst, src);
                srcStride = srcSize == 1 ? 0 : src.Strides[d - lead];
            }
            if (size == 1) continue;
            int n = sizes.Count;
            // Merge into the previous (outer) dim when both tensors step through it contiguously.
            if (n > 0 && ds[n - 1] == dst.Strides[d] * size && ss[n - 1] == srcStride * size)
            {
                sizes[n - 1] *= size;
                ds[n - 1] = dst.Strides[d];
                ss[n - 1] = srcStride;
                continue;
            }
            sizes.Add(size);
            ss.Add(srcStride);
            ds.Add(dst.Strides[d]);
        }
        if (sizes.Count > maxRank)
            throw new JitRuntimeException(
                $"aten::copy_ on {device}: the copy of [{string.Join(", ", dst.SizesArray())}] needs {sizes.Count} dims after merging, more than {maxRank}");
        return new CopyGeometry([.. sizes], [.. ss], [.. ds], dst.NumElements);
    }

    private static JitShapeException Mismatch(Tensor dst, Tensor src) => new(
        $"aten::copy_: the source of shape [{string.Join(", ", src.SizesArray())}] does not broadcast to the destination's [{string.Join(", ", dst.SizesArray())}]");
}
