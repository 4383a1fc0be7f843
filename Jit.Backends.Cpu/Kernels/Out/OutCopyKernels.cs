using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Out.OutSupport;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// Out-variants that move data: cat of same-dtype tensors (raw byte blocks where contiguous, any dtype),
/// stack of same-dtype tensors of any layout (each copied into its slice of the output), and
/// contiguous/clone (a strided copy into the planned buffer; the ordinary contiguous kernel
/// returns its input when it is already contiguous, which the planner treats as an alias), and
/// embedding (rows of a contiguous weight copied by index).
/// </summary>
internal static class OutCopyKernels
{
    public static void Register(KernelTable t)
    {
        Add(t, "aten::cat", (i, o) => i[0].IsList && Cat(i[0].AsList, i[1].AsInt, o));
        Add(t, "aten::stack", (i, o) => i[0].IsList && Stack(i[0].AsList, i[1].AsInt, o));
        Add(t, "aten::contiguous", (i, o) => Copy(i[0].AsTensor, o));
        Add(t, "aten::clone", (i, o) => Copy(i[0].AsTensor, o));
        Add(t, "aten::embedding", (i, o) => Embedding(i[0].AsTensor, i[1].AsTensor, o));
    }

    // y[..., :] = weight[indices[...], :]; an index out of range leaves it to the kernel, which names it.
    private static bool Embedding(Tensor weight, Tensor indices, Tensor y)
    {
        if (weight.Rank != 2 || !weight.IsContiguous || !y.IsContiguous || y.DType != weight.DType || !indices.IsContiguous
            || indices.DType is not (DType.Int64 or DType.Int32) || y.Rank != indices.Rank + 1 || y.Sizes[^1] != weight.Sizes[1]) return false;
        for (int d = 0; d < indices.Rank; d++)
            if (y.Sizes[d] != indices.Sizes[d]) return false;
        long rows = weight.Sizes[0];
        int rowBytes = checked((int)weight.Sizes[1] * weight.DType.ElementSize());
        var src = weight.Storage.Bytes.Span.Slice((int)(weight.StorageOffset * weight.DType.ElementSize()));
        var dst = y.Storage.Bytes.Span.Slice((int)(y.StorageOffset * y.DType.ElementSize()));
        long count = indices.NumElements;
        for (long k = 0; k < count; k++)
            if ((ulong)Index(indices, k) >= (ulong)rows) return false;
        for (long k = 0; k < count; k++)
            src.Slice((int)(Index(indices, k) * rowBytes), rowBytes).CopyTo(dst.Slice((int)(k * rowBytes), rowBytes));
        return true;
    }

    private static long Index(Tensor indices, long k) =>
        indices.DType == DType.Int64 ? indices.ContiguousSpan<long>()[(int)k] : indices.ContiguousSpan<int>()[(int)k];

    private static bool Copy(Tensor x, Tensor y)
    {
        if (x.DType != y.DType || !x.Sizes.SequenceEqual(y.Sizes) || !y.IsContiguous) return false;
        ShapeCopy.Copy(x, y);
        return true;
    }

    // y[..., k, ...] (k along dim) = tensors[k], for tensors of y's dtype and sizes without dim.
    private static bool Stack(IValueList tensors, long dimArg, Tensor y)
    {
        int rank = y.Rank;
        if (!y.IsContiguous || rank == 0 || dimArg < -rank || dimArg >= rank) return false;
        int dim = (int)(dimArg < 0 ? dimArg + rank : dimArg);
        if (tensors.Count != y.Sizes[dim]) return false;
        Span<long> sizes = stackalloc long[rank - 1], strides = stackalloc long[rank - 1];
        for (int d = 0, k = 0; d < rank; d++)
            if (d != dim) (sizes[k], strides[k++]) = (y.Sizes[d], y.Strides[d]);
        foreach (var item in tensors.Items)
            if (!item.IsTensor || item.AsTensor.DType != y.DType || !item.AsTensor.Sizes.SequenceEqual(sizes)) return false;
        for (int k = 0; k < tensors.Count; k++)
        {
            var x = tensors[k].AsTensor;
            ShapeCopy.CopyGeometry(x, x.StorageOffset, x.Strides, y, y.StorageOffset + k * y.Strides[dim], strides, sizes);
        }
        return true;
    }

    private static bool Cat(IValueList tensors, long dimArg, Tensor y)
    {
        int rank = y.Rank;
        if (!y.IsContiguous || rank == 0 || dimArg < -rank || dimArg >= rank) return false;
        int dim = (int)(dimArg < 0 ? dimArg + rank : dimArg);
        long outer = 1;
        for (int d = 0; d < dim; d++) outer *= y.Sizes[d];
        int es = y.DType.ElementSize();
        long rowBytes = y.NumElements == 0 ? 0 : y.NumElements / Math.Max(1, outer) * es;
        long offset = 0;
        foreach (var item in tensors.Items)
        {
            var t = item.AsTensor;
            // PyTorch skips legacy empty 1-D tensors in cat; the kernel handles them.
            if (t.DType != y.DType || t.Rank != rank) return false;
            for (int d = 0; d < rank; d++)
                if (d != dim && t.Sizes[d] != y.Sizes[d]) return false;
            offset += t.NumElements / Math.Max(1, outer) * es;
        }
        if (offset != rowBytes) return false;
        var dst = y.Storage.Bytes.Span.Slice((int)(y.StorageOffset * es));
        offset = 0;
        long along = 0;
        foreach (var item in tensors.Items)
        {
            var t = item.AsTensor;
            long chunk = t.NumElements / Math.Max(1, outer) * es;
            if (t.IsContiguous)
            {
                var src = t.Storage.Bytes.Span.Slice((int)(t.StorageOffset * es));
                for (long o = 0; o < outer; o++)
                    src.Slice((int)(o * chunk), (int)chunk).CopyTo(dst.Slice((int)(o * rowBytes + offset), (int)chunk));
            }
            else // a view (an expanded class token, a permuted patch grid): strided into its slice of y
                ShapeCopy.CopyGeometry(t, t.StorageOffset, t.Strides, y, y.StorageOffset + along * y.Strides[dim], y.Strides, t.Sizes);
            offset += chunk;
            along += t.Sizes[dim];
        }
        return true;
    }
}
