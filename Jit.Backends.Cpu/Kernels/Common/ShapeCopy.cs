using System.Runtime.InteropServices;
using Jit.Errors;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Copies between strided tensors of the same shape. Same-dtype copies move raw elements (typed by
/// element width, so any dtype works); a dtype change goes through the per-element converters.
/// Data-movement kernels (cat, repeat, roll, reshape's copy) are views plus one of these copies.
/// </summary>
internal static class ShapeCopy
{
    public static void Copy(Tensor src, Tensor dst)
    {
        if (!src.Sizes.SequenceEqual(dst.Sizes))
            throw new JitShapeException($"copy: source shape {ShapeUtil.Format(src.Sizes)} does not match destination {ShapeUtil.Format(dst.Sizes)}");
        if (dst.NumElements == 0) return;
        if (src.DType != dst.DType)
        {
            ConvertCopy(src, dst);
            return;
        }
        CopyGeometry(src, src.StorageOffset, src.Strides, dst, dst.StorageOffset, dst.Strides, src.Sizes);
    }

    /// <summary>A new contiguous tensor of <paramref name="dtype"/> holding <paramref name="src"/>'s values.</summary>
    public static Tensor ToContiguous(Tensor src, DType dtype)
    {
        if (src.DType == dtype && src.IsContiguous) return src;
        var r = Tensor.Empty(dtype, src.Sizes);
        Copy(src, r);
        return r;
    }

    /// <summary>
    /// Same-dtype copy with explicit geometry over both storages. Strides may be zero (repeat) or
    /// negative (flip), which a <see cref="Tensor"/> view cannot express; the caller guarantees
    /// every addressed element lies inside its storage.
    /// </summary>
    public static void CopyGeometry(Tensor src, long srcOffset, ReadOnlySpan<long> srcStrides,
        Tensor dst, long dstOffset, ReadOnlySpan<long> dstStrides, ReadOnlySpan<long> sizes)
    {
        foreach (var s in sizes)
        {
            if (s == 0) return;
        }
        if (sizes.Length < 3)
        {
            CopyElements(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, sizes); // too few dims to merge to pay for looking
            return;
        }
        Span<long> merged = stackalloc long[3 * sizes.Length];
        int rank = Coalesce(sizes, srcStrides, dstStrides, merged);
        CopyElements(src, srcOffset, merged.Slice(rank, rank), dst, dstOffset, merged.Slice(2 * rank, rank), merged[..rank]);
    }

    private static void CopyElements(Tensor src, long srcOffset, ReadOnlySpan<long> srcStrides,
        Tensor dst, long dstOffset, ReadOnlySpan<long> dstStrides, ReadOnlySpan<long> sizes)
    {
        switch (src.DType.ElementSize())
        {
            case 1: CopyTyped<byte>(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, sizes); break;
            case 2: CopyTyped<ushort>(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, sizes); break;
            case 4: CopyTyped<uint>(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, sizes); break;
            default: CopyTyped<ulong>(src, srcOffset, srcStrides, dst, dstOffset, dstStrides, sizes); break;
        }
    }

    /// <summary>
    /// The same copy over fewer dims: size-1 dims dropped, and each dim merged into the one before
    /// where both sides step over it contiguously (stride = next stride · next size), so a
    /// permuted view's untouched trailing block ([.., 28, 28] of a channel shuffle) is copied as
    /// one run instead of row by row. Writes sizes, then source, then destination strides into
    /// <paramref name="into"/> (3 · rank longs) and returns the new rank (at least 1).
    /// </summary>
    private static int Coalesce(ReadOnlySpan<long> sizes, ReadOnlySpan<long> a, ReadOnlySpan<long> b, Span<long> into)
    {
        int rank = sizes.Length, n = 0;
        // Built in place in three rank-long runs, then packed to three n-long ones (n <= rank, so each moves down).
        Span<long> size = into[..rank], sa = into.Slice(rank, rank), sb = into.Slice(2 * rank, rank);
        for (int d = 0; d < rank; d++)
        {
            if (sizes[d] == 1) continue;
            if (n > 0 && sa[n - 1] == a[d] * sizes[d] && sb[n - 1] == b[d] * sizes[d])
            {
                size[n - 1] *= sizes[d];
                sa[n - 1] = a[d];
                sb[n - 1] = b[d];
                continue;
            }
            (size[n], sa[n], sb[n]) = (sizes[d], a[d], b[d]);
            n++;
        }
        if (n == 0 && rank > 0) (size[0], sa[0], sb[0], n) = (1, 1, 1, 1);
        sa[..n].CopyTo(into[n..]);
        sb[..n].CopyTo(into[(2 * n)..]);
        return n;
    }

    /// <summary>Copies one element between storages of the same dtype (gather, index kernels).</summary>
    public static void CopyElement(Span<byte> src, long srcIndex, Span<byte> dst, long dstIndex, int elementSize) =>
        src.Slice(checked((int)(srcIndex * elementSize)), elementSize).CopyTo(dst.Slice(checked((int)(dstIndex * elementSize)), elementSize));

    private static void CopyTyped<T>(Tensor src, long srcOffset, ReadOnlySpan<long> srcStrides,
        Tensor dst, long dstOffset, ReadOnlySpan<long> dstStrides, ReadOnlySpan<long> sizes) where T : unmanaged
    {
        var s = MemoryMarshal.Cast<byte, T>(src.Storage.Bytes.Span);
        var d = MemoryMarshal.Cast<byte, T>(dst.Storage.Bytes.Span);
        int rank = sizes.Length;
        if (rank == 0)
        {
            d[(int)dstOffset] = s[(int)srcOffset];
            return;
        }
        long inner = sizes[rank - 1];
        long ss = srcStrides[rank - 1], ds = dstStrides[rank - 1];
        var it = new ShapeIndexer(sizes[..(rank - 1)], srcStrides[..(rank - 1)], dstStrides[..(rank - 1)], stackalloc long[rank - 1]);
        do
        {
            long a = srcOffset + it.OffsetA, b = dstOffset + it.OffsetB;
            if (ss == 1 && ds == 1)
            {
                s.Slice((int)a, (int)inner).CopyTo(d.Slice((int)b, (int)inner));
            }
            else
            {
                for (long i = 0; i < inner; i++) d[(int)(b + i * ds)] = s[(int)(a + i * ss)];
            }
        } while (it.Next());
    }

    private static void ConvertCopy(Tensor src, Tensor dst)
    {
        // Integral-to-integral conversions stay in long so int64 values keep every bit.
        bool asFloat = src.DType.IsFloatingPoint() || dst.DType.IsFloatingPoint();
        var it = new ShapeIndexer(src.Sizes, src.Strides, dst.Strides, stackalloc long[src.Rank]);
        do
        {
            long a = src.StorageOffset + it.OffsetA, b = dst.StorageOffset + it.OffsetB;
            if (asFloat) dst.WriteDouble(b, src.ReadDouble(a));
            else dst.WriteLong(b, src.ReadLong(a));
        } while (it.Next());
    }
}
