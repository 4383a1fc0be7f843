using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// View ops: results share the input's storage with PyTorch's exact strides and offset (reshape
/// and contiguous copy only when the layout forbids a view, as PyTorch does).
/// </summary>
internal static class ViewKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::view", (i, o) => o[0] = ShapeViews.View(i[0].AsTensor, ShapeArgs.Ints(i[1], "aten::view", "size"), "aten::view"));
        t.Add("aten::reshape", (i, o) => o[0] = ShapeViews.Reshape(i[0].AsTensor, ShapeArgs.Ints(i[1], "aten::reshape", "shape"), "aten::reshape"));
        t.Add("aten::view_as", (i, o) => o[0] = ShapeViews.View(i[0].AsTensor, i[1].AsTensor.Sizes, "aten::view_as"));
        t.Add("aten::reshape_as", (i, o) => o[0] = ShapeViews.Reshape(i[0].AsTensor, i[1].AsTensor.Sizes, "aten::reshape_as"));
        t.Add("aten::flatten.using_ints", (i, o) => o[0] = Flatten(i[0].AsTensor, i[1].AsInt, i[2].AsInt));
        t.Add("aten::unflatten.int", (i, o) => o[0] = Unflatten(i[0].AsTensor, i[1].AsInt, ShapeArgs.Ints(i[2], "aten::unflatten", "sizes")));
        t.Add("aten::permute", (i, o) => o[0] = ShapeViews.Permute(i[0].AsTensor, ShapeArgs.Ints(i[1], "aten::permute", "dims"), "aten::permute"));
        t.Add("aten::transpose.int", (i, o) => o[0] = ShapeViews.Transpose(i[0].AsTensor, i[1].AsInt, i[2].AsInt, "aten::transpose"));
        t.Add("aten::t", (i, o) => o[0] = T(i[0].AsTensor));
        t.Add("aten::unsqueeze", (i, o) => o[0] = ShapeViews.Unsqueeze(i[0].AsTensor, i[1].AsInt, "aten::unsqueeze"));
        t.Add("aten::squeeze", (i, o) => o[0] = ShapeViews.Squeeze(i[0].AsTensor, null));
        t.Add("aten::squeeze.dim", (i, o) =>
        {
            var x = i[0].AsTensor;
            o[0] = ShapeViews.Squeeze(x, ShapeArgs.Dim(i[1].AsInt, x.Rank, "aten::squeeze"));
        });
        t.Add("aten::expand", (i, o) => o[0] = ShapeViews.Expand(i[0].AsTensor, ShapeArgs.Ints(i[1], "aten::expand", "size"), "aten::expand"));
        t.Add("aten::expand_as", (i, o) => o[0] = ShapeViews.Expand(i[0].AsTensor, i[1].AsTensor.Sizes, "aten::expand_as"));
        t.Add("aten::slice.Tensor", (i, o) => o[0] = ShapeViews.Slice(
            i[0].AsTensor, i[1].AsInt, i[2].IsNone ? null : i[2].AsInt, i[3].IsNone ? null : i[3].AsInt, i[4].AsInt, "aten::slice"));
        t.Add("aten::select.int", (i, o) => o[0] = ShapeViews.Select(i[0].AsTensor, i[1].AsInt, i[2].AsInt, "aten::select"));
        t.Add("aten::narrow", (i, o) => o[0] = ShapeViews.Narrow(i[0].AsTensor, i[1].AsInt, i[2].AsInt, i[3].AsInt, "aten::narrow"));
        t.Add("aten::narrow.Tensor", (i, o) => o[0] = ShapeViews.Narrow(i[0].AsTensor, i[1].AsInt, StartIndex(i[2].AsTensor), i[3].AsInt, "aten::narrow"));
        t.Add("aten::chunk", (i, o) => o[0] = ShapeArgs.TensorList(Chunk(i[0].AsTensor, i[1].AsInt, i[2].AsInt)));
        t.Add("aten::split.Tensor", (i, o) => o[0] = ShapeArgs.TensorList(ShapeViews.Split(i[0].AsTensor, i[1].AsInt, i[2].AsInt, "aten::split")));
        foreach (var name in new[] { "aten::split_with_sizes", "aten::split", "aten::split.sizes" })
        {
            t.Add(name, (i, o) => o[0] = ShapeArgs.TensorList(
                ShapeViews.SplitWithSizes(i[0].AsTensor, ShapeArgs.Ints(i[1], name, "split_sizes"), i[2].AsInt, name)));
        }
        t.Add("aten::unbind.int", (i, o) => o[0] = ShapeArgs.TensorList(Unbind(i[0].AsTensor, i[1].AsInt)));
        t.Add("aten::contiguous", (i, o) =>
        {
            var x = i[0].AsTensor;
            o[0] = x.IsContiguous ? x : ShapeCopy.ToContiguous(x, x.DType);
        });
        t.Add("aten::alias", (i, o) => o[0] = ShapeViews.Alias(i[0].AsTensor));
        t.Add("aten::detach", (i, o) => o[0] = ShapeViews.Alias(i[0].AsTensor));
    }

    private static Tensor Flatten(Tensor x, long startDim, long endDim)
    {
        const string op = "aten::flatten";
        int start = ShapeArgs.Dim(startDim, x.Rank, op), end = ShapeArgs.Dim(endDim, x.Rank, op);
        if (start > end)
            throw new JitShapeException($"{op}: start_dim {startDim} cannot come after end_dim {endDim} (input shape {ShapeUtil.Format(x.Sizes)})");
        if (x.Rank == 0) return ShapeViews.Reshape(x, [1], op);
        // PyTorch returns the input itself when there is nothing to merge.
        if (start == end) return x;
        var shape = new List<long>();
        for (int d = 0; d < start; d++) shape.Add(x.Sizes[d]);
        long merged = 1;
        for (int d = start; d <= end; d++) merged *= x.Sizes[d];
        shape.Add(merged);
        for (int d = end + 1; d < x.Rank; d++) shape.Add(x.Sizes[d]);
        return ShapeViews.Reshape(x, shape.ToArray(), op);
    }

    private static Tensor Unflatten(Tensor x, long dim, long[] sizes)
    {
        const string op = "aten::unflatten";
        int d = ShapeArgs.Dim(dim, x.Rank, op);
        if (sizes.Length == 0) throw new JitShapeException($"{op}: sizes must be non-empty (input shape {ShapeUtil.Format(x.Sizes)})");
        var inferred = ShapeViews.InferSize(sizes, x.Sizes[d], op, x.Sizes);
        var shape = new List<long>(x.SizesArray());
        shape.RemoveAt(d);
        shape.InsertRange(d, inferred);
        return ShapeViews.View(x, shape.ToArray(), op);
    }

    private static Tensor T(Tensor x)
    {
        if (x.Rank > 2) throw new JitShapeException($"aten::t: expects a tensor with <= 2 dimensions, but got shape {ShapeUtil.Format(x.Sizes)}");
        return x.Rank < 2 ? ShapeViews.Alias(x) : ShapeViews.Transpose(x, 0, 1, "aten::t");
    }

    private static long StartIndex(Tensor start)
    {
        if (start.Rank != 0 || !start.DType.IsIntegral())
            throw new JitShapeException($"aten::narrow: start must be a 0-dim integral tensor but got {start}");
        return start.GetLong(0);
    }

    private static Tensor[] Chunk(Tensor x, long chunks, long dim)
    {
        const string op = "aten::chunk";
        if (x.Rank == 0) throw new JitShapeException($"{op}: expects at least a 1-dimensional tensor");
        if (chunks <= 0) throw new JitShapeException($"{op}: chunks must be greater than 0 but got {chunks} (input shape {ShapeUtil.Format(x.Sizes)})");
        int d = ShapeArgs.Dim(dim, x.Rank, op);
        long dimSize = x.Sizes[d];
        long splitSize = (dimSize + chunks - 1) / chunks;
        // A zero-size dim still yields `chunks` empty pieces (split would give one).
        if (splitSize == 0 && dimSize == 0)
            return ShapeViews.SplitWithSizes(x, new long[chunks], d, op);
        return ShapeViews.Split(x, splitSize, d, op);
    }

    private static Tensor[] Unbind(Tensor x, long dim)
    {
        const string op = "aten::unbind";
        if (x.Rank == 0) throw new JitShapeException($"{op}: dimension specified as {dim} but tensor has no dimensions");
        int d = ShapeArgs.Dim(dim, x.Rank, op);
        var r = new Tensor[x.Sizes[d]];
        for (int k = 0; k < r.Length; k++) r[k] = ShapeViews.Select(x, d, k, op);
        return r;
    }
}
