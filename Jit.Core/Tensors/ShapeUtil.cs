using Jit.Errors;

namespace Jit.Tensors;

/// <summary>Shape arithmetic shared by kernels, shape functions and views.</summary>
public static class ShapeUtil
{
    public static long[] ContiguousStrides(ReadOnlySpan<long> sizes)
    {
        var strides = new long[sizes.Length];
        long s = 1;
        for (int d = sizes.Length - 1; d >= 0; d--)
        {
            strides[d] = s;
            s *= Math.Max(sizes[d], 1);
        }
        return strides;
    }

    public static int WrapDim(long dim, int rank)
    {
        int r = Math.Max(rank, 1);
        if (dim < -r || dim >= r)
            throw new JitShapeException($"dimension {dim} is out of range for a tensor of rank {rank} (expected in [{-r}, {r - 1}])");
        return (int)(dim < 0 ? dim + r : dim);
    }

    /// <summary>Broadcast two shapes as PyTorch/NumPy do; throws naming both shapes when they don't fit.</summary>
    public static long[] Broadcast(ReadOnlySpan<long> a, ReadOnlySpan<long> b, string op = "broadcast")
    {
        int n = Math.Max(a.Length, b.Length);
        var r = new long[n];
        for (int i = 0; i < n; i++)
        {
            long da = i < n - a.Length ? 1 : a[i - (n - a.Length)];
            long db = i < n - b.Length ? 1 : b[i - (n - b.Length)];
            if (da == db || db == 1) r[i] = da;
            else if (da == 1) r[i] = db;
            else
                throw new JitShapeException(
                    $"{op}: shapes {Format(a)} and {Format(b)} cannot be broadcast (dim {i}: {da} vs {db})");
        }
        return r;
    }

    public static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
