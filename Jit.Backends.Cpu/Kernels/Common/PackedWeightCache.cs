using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Weights in the micro-kernel's A-panel order, kept between calls (<see cref="DerivedWeights{T, TKey}"/>):
/// packing them costs about half as much as the small convs they feed.
/// </summary>
internal static unsafe class PackedWeightCache<T> where T : unmanaged
{
    /// <summary>Weights above this many elements are packed per call instead (the copy would double a large model's memory).</summary>
    private const int MaxElements = 1 << 16;

    private readonly record struct Packing(int K, int Groups, int Mr);

    /// <summary>
    /// Weight <paramref name="w"/> ([OC, K] row-major, contiguous) packed per group: group g's
    /// panels of <paramref name="mr"/> rows, [K][mr] each, at g·⌈OC/groups/mr⌉·mr·K. Null when
    /// the weight is above <paramref name="maxElements"/>; the caller then packs it itself.
    /// </summary>
    public static T[]? Get(Tensor w, int k, int groups, int mr, long maxElements = MaxElements)
    {
        if (w.NumElements > maxElements) return null;
        return DerivedWeights<T, Packing>.Get(w, new Packing(k, groups, mr), static (p, values) => Pack(values, p.K, p.Groups, p.Mr));
    }

    private static T[] Pack(ReadOnlySpan<T> values, int k, int groups, int mr)
    {
        int rows = values.Length / k;
        int perGroup = rows / groups, padded = (perGroup + mr - 1) / mr * mr;
        var packed = new T[groups * padded * k];
        fixed (T* src = values, dst = packed)
        {
            for (int g = 0; g < groups; g++)
                GemmPacking.PackA(src + (long)g * perGroup * k, k, 1, perGroup, k, mr, dst + (long)g * padded * k);
        }
        return packed;
    }
}
