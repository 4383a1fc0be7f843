using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// Advanced indexing, <c>x[idx0, None, idx2]</c>: aten::index.Tensor reads and aten::index_put_
/// writes. Bool masks become their nonzero coordinates; the index tensors broadcast together; the
/// broadcast shape replaces the indexed dims where they are adjacent, or leads the result where
/// they are not, as NumPy and PyTorch place it.
/// </summary>
internal static class AdvancedIndexKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::index.Tensor", (i, o) =>
        {
            var x = i[0].AsTensor;
            var (picks, shape) = Plan(x, i[1], "aten::index");
            o[0] = new ElementBuffer(x).Pick(picks, shape);
        });
        t.Add("aten::index_put_", (i, o) =>
        {
            const string op = "aten::index_put_";
            Tensor self = i[0].AsTensor, values = i[2].AsTensor;
            if (values.DType != self.DType)
                throw new JitTypeException($"{op}: index put requires the source and destination dtypes match, got {self.DType.PythonName()} for the destination and {values.DType.PythonName()} for the source");
            var (picks, shape) = Plan(self, i[1], op);
            var src = new ElementBuffer(ShapeViews.Expand(values, shape, op), shape);
            var dst = new ElementBuffer(self);
            bool accumulate = i[3].AsBool;
            for (long k = 0; k < picks.Length; k++)
            {
                if (accumulate) src.AddElement(k, dst, picks[k]);
                else src.CopyElement(k, dst, picks[k]);
            }
            dst.ScatterInto(self);
            o[0] = self;
        });
    }

    /// <summary>For each element of the indexing result: its row-major position in <paramref name="x"/>; and the result's shape.</summary>
    private static (long[] Picks, long[] Shape) Plan(Tensor x, IValue indexList, string op)
    {
        var index = Expand(x, indexList, op);
        int rank = x.Rank;
        var indexed = Enumerable.Range(0, index.Count).Where(d => index[d] != null).ToArray();
        long[] bshape = [];
        foreach (var d in indexed) bshape = ShapeUtil.Broadcast(bshape, index[d]!.Sizes, op);
        // Index values broadcast to the common shape, wrapped and bounds-checked per indexed dim.
        var vals = new long[rank][];
        foreach (var d in indexed)
        {
            vals[d] = StridedMathCopy.GatherLong(ShapeViews.Expand(index[d]!, bshape, op), bshape);
            for (int k = 0; k < vals[d].Length; k++)
            {
                long v = vals[d][k];
                if (v < -x.Sizes[d] || v >= x.Sizes[d])
                    throw new JitShapeException($"{op}: index {v} is out of bounds for dimension {d} with size {x.Sizes[d]} (input shape {ShapeUtil.Format(x.Sizes)})");
                if (v < 0) vals[d][k] = v + x.Sizes[d];
            }
        }
        var rest = Enumerable.Range(0, rank).Where(d => index.Count <= d || index[d] == null).ToArray();
        bool adjacent = indexed.Length == 0 || indexed[^1] - indexed[0] == indexed.Length - 1;
        int lead = adjacent && indexed.Length > 0 ? rest.Count(d => d < indexed[0]) : 0;
        // Result dims: rest[..lead], the broadcast shape, rest[lead..].
        var shape = rest[..lead].Select(d => x.Sizes[d]).Concat(bshape).Concat(rest[lead..].Select(d => x.Sizes[d])).ToArray();
        var strides = ShapeUtil.ContiguousStrides(x.Sizes);
        long total = StridedMathCopy.Numel(shape);
        var picks = new long[total];
        var coord = new long[shape.Length];
        int bRank = bshape.Length;
        var bStrides = ShapeUtil.ContiguousStrides(bshape);
        for (long e = 0; e < total; e++)
        {
            long rem = e;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                coord[d] = rem % shape[d];
                rem /= shape[d];
            }
            long b = 0;
            for (int j = 0; j < bRank; j++) b += coord[lead + j] * bStrides[j];
            long pos = 0;
            for (int r = 0; r < rest.Length; r++) pos += coord[r < lead ? r : r + bRank] * strides[rest[r]];
            foreach (var d in indexed) pos += vals[d][b] * strides[d];
            picks[e] = pos;
        }
        return (picks, shape);
    }

    /// <summary>The index list with bool/uint8 masks replaced by one long index tensor per masked dim.</summary>
    private static List<Tensor?> Expand(Tensor x, IValue indexList, string op)
    {
        var r = new List<Tensor?>();
        foreach (var item in indexList.AsList.Items)
        {
            if (item.IsNone) { r.Add(null); continue; }
            var t = item.AsTensor;
            if (t.DType is DType.Bool or DType.UInt8)
            {
                int at = r.Count;
                for (int j = 0; j < t.Rank; j++)
                {
                    if (at + j >= x.Rank || t.Sizes[j] != x.Sizes[at + j])
                        throw new JitShapeException($"{op}: the shape of the mask {ShapeUtil.Format(t.Sizes)} at index {j} does not match the shape of the indexed tensor {ShapeUtil.Format(x.Sizes)} at index {at + j}");
                }
                var nz = SelectionKernels.NonZero(t);
                for (int j = 0; j < t.Rank; j++) r.Add(ShapeViews.Select(nz, 1, j, op));
                continue;
            }
            if (t.DType != DType.Int64)
                throw new JitTypeException($"{op}: tensors used as indices must be long, byte or bool tensors, got {t.DType.PythonName()}");
            r.Add(t);
        }
        if (r.Count > x.Rank)
            throw new JitShapeException($"{op}: too many indices for tensor of dimension {x.Rank} (got {r.Count})");
        return r;
    }
}
