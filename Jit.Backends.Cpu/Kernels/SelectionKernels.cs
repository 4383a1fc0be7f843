using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// Ops whose result depends on the values: nonzero, where(condition), masked_select, sort, topk.
/// Sorting is stable and puts NaN above every number, as PyTorch's CPU sort does.
/// </summary>
internal static class SelectionKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::nonzero", (i, o) => o[0] = NonZero(i[0].AsTensor));
        // where(condition) is nonzero(condition, as_tuple=True): one index vector per dim.
        t.Add("aten::where", (i, o) =>
        {
            var cond = i[0].AsTensor;
            var nz = NonZero(cond);
            long n = nz.Sizes[0];
            var cols = new Tensor[Math.Max(cond.Rank, 1)];
            var all = nz.ToLongArray();
            for (int d = 0; d < cols.Length; d++)
            {
                var c = new long[n];
                for (long k = 0; k < n; k++) c[k] = cond.Rank == 0 ? 0 : all[k * cond.Rank + d];
                cols[d] = StridedMathCopy.ToTensor(c, DType.Int64, [n]);
            }
            o[0] = ShapeArgs.TensorList(cols);
        });
        t.Add("aten::masked_select", (i, o) => o[0] = MaskedSelect(i[0].AsTensor, i[1].AsTensor));
        t.Add("aten::sort", (i, o) =>
        {
            var (values, indices) = Sort(i[0].AsTensor, i[1].AsInt, i[2].AsBool, null, "aten::sort");
            o[0] = values;
            o[1] = indices;
        });
        t.Add("aten::topk", (i, o) =>
        {
            // sorted=False leaves the order unspecified in PyTorch; ours is always sorted.
            var (values, indices) = Sort(i[0].AsTensor, i[2].AsInt, i[3].AsBool, i[1].AsInt, "aten::topk");
            o[0] = values;
            o[1] = indices;
        });
    }

    /// <summary>nonzero: [count, rank] int64 coordinates of the non-zero elements, in row-major order.</summary>
    internal static Tensor NonZero(Tensor x)
    {
        var v = new ElementBuffer(x);
        var hits = new List<long>();
        for (long k = 0; k < v.Length; k++)
            if (v.IsNonZero(k)) hits.Add(k);
        int rank = x.Rank;
        var coords = new long[hits.Count * rank];
        for (int h = 0; h < hits.Count; h++)
        {
            long rem = hits[h];
            for (int d = rank - 1; d >= 0; d--)
            {
                coords[h * rank + d] = rem % x.Sizes[d];
                rem /= x.Sizes[d];
            }
        }
        return StridedMathCopy.ToTensor(coords, DType.Int64, [hits.Count, rank]);
    }

    private static Tensor MaskedSelect(Tensor self, Tensor mask)
    {
        const string op = "aten::masked_select";
        if (mask.DType is not (DType.Bool or DType.UInt8))
            throw new JitTypeException($"{op}: expected a bool mask but got {mask.DType.PythonName()}");
        var shape = ShapeUtil.Broadcast(self.Sizes, mask.Sizes, op);
        var m = new ElementBuffer(mask, shape);
        var picks = new List<long>();
        for (long k = 0; k < m.Length; k++)
            if (m.IsNonZero(k)) picks.Add(k);
        return new ElementBuffer(self, shape).Pick(picks.ToArray(), [picks.Count]);
    }

    /// <summary>Sorts each row along dim; with <paramref name="k"/>, keeps the first k (topk: largest = descending).</summary>
    private static (Tensor Values, Tensor Indices) Sort(Tensor x, long dimArg, bool descending, long? k, string op)
    {
        int dim = x.Rank == 0 ? 0 : ShapeArgs.Dim(dimArg, x.Rank, op);
        long n = x.Rank == 0 ? 1 : x.Sizes[dim];
        long keep = k ?? n;
        if (keep < 0 || keep > n)
            throw new JitShapeException($"{op}: selected index k={keep} is out of range for dimension {dim} of size {n} (input shape {ShapeUtil.Format(x.Sizes)})");
        var rows = new StridedMathRows(x, x.Rank == 0 ? [] : [dim]);
        var v = new ElementBuffer(rows.View, rows.PermutedSizes);
        var outSizes = x.SizesArray();
        if (x.Rank > 0) outSizes[dim] = keep;
        var sortedValues = v.Like(rows.Outer * keep);
        var sortedIndices = new long[rows.Outer * keep];
        var order = new long[n];
        for (long r = 0; r < rows.Outer; r++)
        {
            long b = r * n;
            for (long j = 0; j < n; j++) order[j] = j;
            // Stable: equal elements keep their index order in both directions.
            Array.Sort(order, (p, q) =>
            {
                int c = v.Compare(b + p, b + q);
                return c != 0 ? (descending ? -c : c) : p.CompareTo(q);
            });
            for (long j = 0; j < keep; j++)
            {
                v.CopyElement(b + order[j], sortedValues, r * keep + j);
                sortedIndices[r * keep + j] = order[j];
            }
        }
        var values = Tensor.Empty(x.DType, outSizes);
        var indices = Tensor.Empty(DType.Int64, outSizes);
        sortedValues.ScatterRows(rows, values);
        rows.Scatter(sortedIndices, indices);
        return (values, indices);
    }
}
