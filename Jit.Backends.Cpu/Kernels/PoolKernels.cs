using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// 2-D pooling over [N, C, H, W] or [C, H, W] inputs of any layout, with PyTorch's window and
/// output-size arithmetic (ceil_mode, padding, dilation, count_include_pad, divisor_override).
/// Float32/float64 run natively in <see cref="Pool2d"/> (the code the out-variants run too); half
/// types compute in float32. Max pooling propagates NaN and reports flat h·W + w indices, as PyTorch.
/// </summary>
internal static class PoolKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::max_pool2d", (i, o) => o[0] = MaxPool(i, "aten::max_pool2d", withIndices: false).Values);
        t.Add("aten::max_pool2d_with_indices", (i, o) =>
        {
            var (values, indices) = MaxPool(i, "aten::max_pool2d_with_indices", withIndices: true);
            o[0] = values;
            o[1] = indices!;
        });
        t.Add("aten::avg_pool2d", (i, o) => o[0] = AvgPool(i));
        t.Add("aten::adaptive_avg_pool2d", (i, o) => o[0] = Adaptive(i[0].AsTensor, i[1], max: false, "aten::adaptive_avg_pool2d").Values);
        t.Add("aten::adaptive_max_pool2d", (i, o) =>
        {
            var (values, indices) = Adaptive(i[0].AsTensor, i[1], max: true, "aten::adaptive_max_pool2d");
            o[0] = values;
            o[1] = indices!;
        });
    }

    private static void CheckInput(Tensor x, string op)
    {
        ShapeArgs.RequireFloat(x, op);
        bool ok = (x.Rank == 3 || x.Rank == 4) && x.Sizes[^1] > 0 && x.Sizes[^2] > 0 && (x.Rank == 3 || x.Sizes[1] > 0);
        if (!ok) throw new JitShapeException($"{op}: expected 3D or 4D input with non-zero spatial and channel dims, but got {ShapeUtil.Format(x.Sizes)}");
    }

    /// <summary>The input in the dtype the pool computes in (float32 or float64) and an empty output of <paramref name="x"/>'s rank.</summary>
    private static (Tensor Source, Tensor Values, Tensor Indices) Buffers(Tensor x, long oh, long ow, bool withIndices)
    {
        var src = x.DType is DType.Float32 or DType.Float64 ? x : ShapeCopy.ToContiguous(x, DType.Float32);
        long[] sizes = [.. x.Sizes];
        sizes[^2] = oh;
        sizes[^1] = ow;
        return (src, Tensor.Empty(src.DType, sizes), withIndices ? Tensor.Empty(DType.Int64, sizes) : null!);
    }

    internal static (Tensor Values, Tensor? Indices) MaxPool(ReadOnlySpan<IValue> i, string op, bool withIndices)
    {
        var x = i[0].AsTensor;
        CheckInput(x, op);
        var g = PoolGeometry.Of(x, i[1], i[2], i[3], i[4], i[5].AsBool, op);
        var (src, values, indices) = Buffers(x, g.OH, g.OW, withIndices);
        Pool2d.Max(src, g, values, withIndices ? indices : null);
        return (ShapeCopy.ToContiguous(values, x.DType), withIndices ? indices : null);
    }

    private static Tensor AvgPool(ReadOnlySpan<IValue> i)
    {
        const string op = "aten::avg_pool2d";
        var x = i[0].AsTensor;
        CheckInput(x, op);
        var g = PoolGeometry.Of(x, i[1], i[2], i[3], IValue.None, i[4].AsBool, op);
        long divisor = i[6].IsNone ? 0 : i[6].AsInt;
        if (!i[6].IsNone && divisor == 0) throw new JitShapeException($"{op}: divisor must be not zero (input {ShapeUtil.Format(x.Sizes)})");
        var (src, values, _) = Buffers(x, g.OH, g.OW, withIndices: false);
        Pool2d.Avg(src, g, i[5].AsBool, divisor, values);
        return ShapeCopy.ToContiguous(values, x.DType);
    }

    internal static (Tensor Values, Tensor? Indices) Adaptive(Tensor x, IValue outputSize, bool max, string op)
    {
        CheckInput(x, op);
        long oh = PoolGeometry.Arg(outputSize, 0, op, "output_size"), ow = PoolGeometry.Arg(outputSize, 1, op, "output_size");
        if (oh < 0 || ow < 0)
            throw new JitShapeException($"{op}: output size [{oh}, {ow}] must be non-negative (input {ShapeUtil.Format(x.Sizes)})");
        var (src, values, indices) = Buffers(x, oh, ow, max);
        Pool2d.Adaptive(src, values, max ? indices : null, max);
        return (ShapeCopy.ToContiguous(values, x.DType), max ? indices : null);
    }
}
