using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>Data movement with a new contiguous result: tril, triu, flip, repeat, roll.</summary>
internal static class ShapeMoveKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::tril", (i, o) => o[0] = Triangle(i[0].AsTensor, i[1].AsInt, lower: true));
        t.Add("aten::triu", (i, o) => o[0] = Triangle(i[0].AsTensor, i[1].AsInt, lower: false));
        t.Add("aten::flip", (i, o) => o[0] = Flip(i[0].AsTensor, ShapeArgs.Ints(i[1], "aten::flip", "dims")));
        t.Add("aten::repeat", (i, o) => o[0] = Repeat(i[0].AsTensor, ShapeArgs.Ints(i[1], "aten::repeat", "repeats")));
        t.Add("aten::roll", (i, o) => o[0] = Roll(i[0].AsTensor, ShapeArgs.Ints(i[1], "aten::roll", "shifts"), ShapeArgs.Ints(i[2], "aten::roll", "dims")));
    }

    private static Tensor Triangle(Tensor x, long diagonal, bool lower)
    {
        string op = lower ? "aten::tril" : "aten::triu";
        if (x.Rank < 2) throw new JitShapeException($"{op}: input tensor must have at least 2 dimensions but has shape {ShapeUtil.Format(x.Sizes)}");
        var r = Tensor.Empty(x.DType, x.Sizes);
        ShapeCopy.Copy(x, r);
        long rows = x.Sizes[^2], cols = x.Sizes[^1];
        if (r.NumElements == 0) return r;
        var bytes = r.Storage.Bytes.Span;
        int es = x.DType.ElementSize();
        long matrices = r.NumElements / (rows * cols);
        for (long m = 0; m < matrices; m++)
        {
            for (long i = 0; i < rows; i++)
            {
                // Zero the columns outside the kept triangle of row i.
                long from = lower ? Math.Clamp(i + diagonal + 1, 0, cols) : 0;
                long to = lower ? cols : Math.Clamp(i + diagonal, 0, cols);
                if (to > from)
                    bytes.Slice((int)(((m * rows + i) * cols + from) * es), (int)((to - from) * es)).Clear();
            }
        }
        return r;
    }

    private static Tensor Flip(Tensor x, long[] dims)
    {
        const string op = "aten::flip";
        var flipped = new bool[Math.Max(x.Rank, 1)];
        foreach (var dim in dims)
        {
            int d = ShapeArgs.Dim(dim, x.Rank, op);
            if (flipped[d]) throw new JitShapeException($"{op}: dim {d} appears multiple times in the list of dims {ShapeUtil.Format(dims)}");
            flipped[d] = true;
        }
        var r = Tensor.Empty(x.DType, x.Sizes);
        if (r.NumElements == 0 || x.Rank == 0)
        {
            ShapeCopy.Copy(x, r);
            return r;
        }
        // Read each flipped dim backwards: start at its last element and walk a negated stride.
        var strides = x.StridesArray();
        long offset = x.StorageOffset;
        for (int d = 0; d < x.Rank; d++)
        {
            if (!flipped[d]) continue;
            offset += (x.Sizes[d] - 1) * strides[d];
            strides[d] = -strides[d];
        }
        ShapeCopy.CopyGeometry(x, offset, strides, r, 0, r.Strides, x.Sizes);
        return r;
    }

    private static Tensor Repeat(Tensor x, long[] repeats)
    {
        const string op = "aten::repeat";
        if (repeats.Length < x.Rank)
            throw new JitShapeException($"{op}: number of dimensions of repeat dims {ShapeUtil.Format(repeats)} can not be smaller than number of dimensions of tensor {ShapeUtil.Format(x.Sizes)}");
        int n = repeats.Length, lead = n - x.Rank;
        var outSizes = new long[n];
        for (int d = 0; d < n; d++)
        {
            if (repeats[d] < 0) throw new JitShapeException($"{op}: negative repeat {repeats[d]} in {ShapeUtil.Format(repeats)}");
            long size = d < lead ? 1 : x.Sizes[d - lead];
            outSizes[d] = checked(size * repeats[d]);
        }
        var r = Tensor.Empty(x.DType, outSizes);
        if (r.NumElements == 0) return r;
        // Copy over the geometry [r0, s0, r1, s1, ...]: the source ignores the repeat index
        // (stride 0); the output places repeat k of dim d at k * s_d along d.
        var geo = new long[2 * n];
        var srcStrides = new long[2 * n];
        var dstStrides = new long[2 * n];
        for (int d = 0; d < n; d++)
        {
            long size = d < lead ? 1 : x.Sizes[d - lead];
            geo[2 * d] = repeats[d];
            geo[2 * d + 1] = size;
            srcStrides[2 * d + 1] = d < lead ? 0 : x.Strides[d - lead];
            dstStrides[2 * d] = size * r.Strides[d];
            dstStrides[2 * d + 1] = r.Strides[d];
        }
        ShapeCopy.CopyGeometry(x, x.StorageOffset, srcStrides, r, 0, dstStrides, geo);
        return r;
    }

    private static Tensor Roll(Tensor x, long[] shifts, long[] dims)
    {
        const string op = "aten::roll";
        if (dims.Length == 0)
        {
            if (shifts.Length != 1)
                throw new JitShapeException($"{op}: shifts {ShapeUtil.Format(shifts)} must have one element when dims is empty (input shape {ShapeUtil.Format(x.Sizes)})");
            var flat = ShapeViews.Reshape(x, [-1], op);
            return ShapeViews.View(RollDim(flat, shifts[0], 0), x.Sizes, op);
        }
        if (shifts.Length != dims.Length)
            throw new JitShapeException($"{op}: shifts and dimensions must align. shifts: {shifts.Length}, dims: {dims.Length}");
        var r = x;
        // A 0-dim tensor has nothing to roll; its dims still have to be valid.
        for (int k = 0; k < dims.Length && x.Rank == 0; k++) ShapeArgs.Dim(dims[k], x.Rank, op);
        for (int k = 0; k < dims.Length && x.Rank > 0; k++) r = RollDim(r, shifts[k], ShapeArgs.Dim(dims[k], x.Rank, op));
        return ReferenceEquals(r, x) ? ShapeCopy.ToContiguous(x, x.DType) : r;
    }

    private static Tensor RollDim(Tensor x, long shift, int d)
    {
        const string op = "aten::roll";
        var r = Tensor.Empty(x.DType, x.Sizes);
        long n = x.Sizes[d];
        if (n == 0 || r.NumElements == 0) return r;
        long s = ((shift % n) + n) % n;
        ShapeCopy.Copy(ShapeViews.Narrow(x, d, 0, n - s, op), ShapeViews.Narrow(r, d, s, n - s, op));
        ShapeCopy.Copy(ShapeViews.Narrow(x, d, n - s, s, op), ShapeViews.Narrow(r, d, 0, s, op));
        return r;
    }
}
