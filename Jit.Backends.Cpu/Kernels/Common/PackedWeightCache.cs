using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Weights in the micro-kernel's A-panel order, kept between calls: a model's weights are the
/// same tensor every run, and packing them costs about half as much as the small convs they feed.
/// An entry hangs off the weight's storage (it goes when the storage does) and keeps a copy of the
/// values it packed: it is used only while the tensor still holds exactly those bytes (one
/// vectorized compare), so a weight changed in place is packed again, never read stale.
/// </summary>
internal static unsafe class PackedWeightCache<T> where T : unmanaged
{
    /// <summary>Weights above this many elements are packed per call instead (the copy would double a large model's memory).</summary>
    private const int MaxElements = 1 << 16;

    private sealed class Entry(long offset, int rows, int groups, int mr, T[] original, T[] packed)
    {
        public readonly long Offset = offset;
        public readonly int Rows = rows, Groups = groups, Mr = mr;
        public readonly T[] Original = original, Packed = packed;
    }

    private static readonly ConditionalWeakTable<TensorStorage, Entry> Entries = new();

    /// <summary>
    /// Weight <paramref name="w"/> ([OC, K] row-major, contiguous) packed per group: group g's
    /// panels of <paramref name="mr"/> rows, [K][mr] each, at g·⌈OC/groups/mr⌉·mr·K. Null when
    /// the weight is too large to keep; the caller then packs it itself.
    /// </summary>
    public static T[]? Get(Tensor w, int k, int groups, int mr)
    {
        var values = w.ContiguousSpan<T>();
        if (values.Length > MaxElements) return null;
        int rows = values.Length / k;
        if (Entries.TryGetValue(w.Storage, out var e) && e.Offset == w.StorageOffset && e.Rows == rows && e.Groups == groups && e.Mr == mr
            && MemoryMarshal.AsBytes(values).SequenceEqual(MemoryMarshal.AsBytes(e.Original.AsSpan())))
            return e.Packed;
        int perGroup = rows / groups, padded = (perGroup + mr - 1) / mr * mr;
        var packed = new T[groups * padded * k];
        fixed (T* src = values, dst = packed)
        {
            for (int g = 0; g < groups; g++)
                GemmPacking.PackA(src + (long)g * perGroup * k, k, 1, perGroup, k, mr, dst + (long)g * padded * k);
        }
        Entries.AddOrUpdate(w.Storage, new Entry(w.StorageOffset, rows, groups, mr, values.ToArray(), packed));
        return packed;
    }
}
