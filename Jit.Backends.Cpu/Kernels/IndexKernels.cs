using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>Ops that pick elements by an index tensor: index_select, gather, embedding.</summary>
internal static class IndexKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::index_select", (i, o) => o[0] = IndexSelect(i[0].AsTensor, i[1].AsInt, i[2].AsTensor, "aten::index_select"));
        t.Add("aten::gather", (i, o) => o[0] = Gather(i[0].AsTensor, i[1].AsInt, i[2].AsTensor));
        t.Add("aten::embedding", (i, o) => o[0] = Embedding(i[0].AsTensor, i[1].AsTensor));
    }

    private static long[] Indices(Tensor index, string op, string what)
    {
        if (index.DType is not (DType.Int64 or DType.Int32))
            throw new JitTypeException($"{op}: {what} must be an int64 or int32 tensor but got {index.DType.PythonName()}");
        return index.ToLongArray();
    }

    public static Tensor IndexSelect(Tensor self, long dim, Tensor index, string op)
    {
        if (index.Rank > 1)
            throw new JitShapeException($"{op}: index must be 0-D or 1-D but has shape {ShapeUtil.Format(index.Sizes)} (input shape {ShapeUtil.Format(self.Sizes)})");
        var idx = Indices(index, op, "index");
        int d = ShapeArgs.Dim(dim, self.Rank, op);
        long size = self.Rank == 0 ? 1 : self.Sizes[d];
        foreach (var k in idx)
        {
            if (k < 0 || k >= size)
                throw new JitShapeException($"{op}: index {k} is out of range for dimension {d} of size {size} (input shape {ShapeUtil.Format(self.Sizes)})");
        }
        if (self.Rank == 0)
        {
            var scalar = Tensor.Empty(self.DType, ReadOnlySpan<long>.Empty);
            if (idx.Length > 0) ShapeCopy.Copy(self, scalar);
            return scalar;
        }
        var sizes = self.SizesArray();
        sizes[d] = idx.Length;
        var result = Tensor.Empty(self.DType, sizes);
        for (int k = 0; k < idx.Length; k++)
            ShapeCopy.Copy(ShapeViews.Select(self, d, idx[k], op), ShapeViews.Select(result, d, k, op));
        return result;
    }

    private static Tensor Gather(Tensor self, long dim, Tensor index)
    {
        const string op = "aten::gather";
        if (index.DType != DType.Int64) throw new JitTypeException($"{op}: expected dtype int64 for index but got {index.DType.PythonName()}");
        int d = ShapeArgs.Dim(dim, self.Rank, op);
        if (Math.Max(index.Rank, 1) != Math.Max(self.Rank, 1))
            throw new JitShapeException($"{op}: index {ShapeUtil.Format(index.Sizes)} should have the same number of dimensions as input {ShapeUtil.Format(self.Sizes)}");
        for (int k = 0; k < index.Rank && self.Rank > 0; k++)
        {
            if (k != d && index.Sizes[k] > self.Sizes[k])
                throw new JitShapeException($"{op}: size does not match at dimension {k}: expected index {ShapeUtil.Format(index.Sizes)} to be smaller than input {ShapeUtil.Format(self.Sizes)} apart from dimension {d}");
        }
        var result = Tensor.Empty(self.DType, index.Sizes);
        if (result.NumElements == 0) return result;
        long dimSize = self.Rank == 0 ? 1 : self.Sizes[d];
        long dimStride = self.Rank == 0 ? 0 : self.Strides[d];
        // Walk the index tensor; the input offset moves with every dim except `dim`, whose
        // position comes from the index value.
        var selfStrides = new long[index.Rank];
        for (int k = 0; k < index.Rank; k++) selfStrides[k] = k == d ? 0 : self.Strides[k];
        var src = self.Storage.Bytes.Span;
        var dst = result.Storage.Bytes.Span;
        var indexData = index.StorageSpan<long>();
        int es = self.DType.ElementSize();
        var it = new ShapeIndexer(index.Sizes, index.Strides, selfStrides);
        long linear = 0;
        do
        {
            long k = indexData[(int)(index.StorageOffset + it.OffsetA)];
            if (k < 0 || k >= dimSize)
                throw new JitShapeException($"{op}: index {k} is out of bounds for dimension {d} with size {dimSize} (input shape {ShapeUtil.Format(self.Sizes)}, index shape {ShapeUtil.Format(index.Sizes)})");
            ShapeCopy.CopyElement(src, self.StorageOffset + it.OffsetB + k * dimStride, dst, linear++, es);
        } while (it.Next());
        return result;
    }

    private static Tensor Embedding(Tensor weight, Tensor indices)
    {
        const string op = "aten::embedding";
        if (weight.Rank != 2) throw new JitShapeException($"{op}: 'weight' must be 2-D but has shape {ShapeUtil.Format(weight.Sizes)} (indices shape {ShapeUtil.Format(indices.Sizes)})");
        var flat = ShapeViews.Reshape(indices, [-1], op);
        var rows = IndexSelect(weight, 0, flat, op);
        long[] shape = [.. indices.SizesArray(), weight.Sizes[1]];
        return ShapeViews.View(rows, shape, op);
    }
}
