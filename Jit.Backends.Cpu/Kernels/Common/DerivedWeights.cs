using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Weights rearranged for a kernel (packed into GEMM panels, Winograd-transformed), kept between
/// calls: a model's weights are the same tensor every run, and deriving them again can cost as
/// much as the conv they feed. An entry hangs off the weight's storage (it goes when the storage
/// does) and keeps a copy of the values it was derived from: it is used only while the tensor
/// still holds exactly those bytes (one vectorized compare), so a weight changed in place is
/// derived again, never read stale. <typeparamref name="TKey"/> says how it was derived (one table
/// per kind of derivation), and the entry is used only for the same key.
/// </summary>
internal static class DerivedWeights<T, TKey> where T : unmanaged where TKey : struct, IEquatable<TKey>
{
    private sealed class Entry(long offset, TKey key, T[] original, T[] derived)
    {
        public readonly long Offset = offset;
        public readonly TKey Key = key;
        public readonly T[] Original = original, Derived = derived;
    }

    private static readonly ConditionalWeakTable<TensorStorage, Entry> Entries = new();

    /// <summary>The values of contiguous <paramref name="w"/> derived by <paramref name="derive"/> (given the key), from the cache when still valid.</summary>
    public static T[] Get(Tensor w, TKey key, Func<TKey, ReadOnlySpan<T>, T[]> derive)
    {
        var values = w.ContiguousSpan<T>();
        if (Entries.TryGetValue(w.Storage, out var e) && e.Offset == w.StorageOffset && e.Key.Equals(key)
            && MemoryMarshal.AsBytes(values).SequenceEqual(MemoryMarshal.AsBytes(e.Original.AsSpan())))
            return e.Derived;
        var derived = derive(key, values);
        Entries.AddOrUpdate(w.Storage, new Entry(w.StorageOffset, key, values.ToArray(), derived));
        return derived;
    }
}
