using System.Numerics;
using System.Runtime.InteropServices;
using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// 2-D pooling over [N, C, H, W] or [C, H, W] inputs of any layout, with PyTorch's window and
/// output-size arithmetic (ceil_mode, padding, dilation, count_include_pad, divisor_override).
/// Float32/float64 run natively; half types compute in float32. Max pooling propagates NaN and
/// reports flat h·W + w indices, as PyTorch.
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

    /// <summary>Window of output row/col o: [start, end) in input coordinates, stepping by dilation.</summary>
    private readonly record struct Geometry(long KH, long KW, long SH, long SW, long PH, long PW, long DH, long DW, long OH, long OW);

    private static Tensor Input4d(Tensor x, string op)
    {
        ShapeArgs.RequireFloat(x, op);
        bool ok = (x.Rank == 3 || x.Rank == 4) && x.Sizes[^1] > 0 && x.Sizes[^2] > 0 && (x.Rank == 3 || x.Sizes[1] > 0);
        if (!ok) throw new JitShapeException($"{op}: expected 3D or 4D input with non-zero spatial and channel dims, but got {ShapeUtil.Format(x.Sizes)}");
        return x.Rank == 3 ? ShapeViews.Unsqueeze(x, 0, op) : x;
    }

    /// <summary>at::native::pooling_output_shape.</summary>
    private static long OutputSize(long input, long k, long pad, long stride, long dilation, bool ceil)
    {
        long num = input + 2 * pad - dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0);
        long o = (num >= 0 ? num / stride : -((-num + stride - 1) / stride)) + 1;
        if (ceil && (o - 1) * stride >= input + pad) o--;
        return o;
    }

    private static Geometry Window(Tensor x, IValue kernel, IValue strideArg, IValue padding, long[] dilation, bool ceil, string op)
    {
        var k = ShapeArgs.IntsN(kernel, 2, op, "kernel_size");
        var strideList = ShapeArgs.Ints(strideArg, op, "stride");
        var s = strideList.Length == 0 ? k : ShapeArgs.IntsN(strideArg, 2, op, "stride");
        var p = ShapeArgs.IntsN(padding, 2, op, "padding");
        string shape = ShapeUtil.Format(x.Sizes);
        if (k.Any(v => v <= 0)) throw new JitShapeException($"{op}: kernel size should be greater than zero, but got {ShapeUtil.Format(k)} (input {shape})");
        if (s.Any(v => v <= 0)) throw new JitShapeException($"{op}: stride should be greater than zero, but got {ShapeUtil.Format(s)} (input {shape})");
        if (dilation.Any(v => v <= 0)) throw new JitShapeException($"{op}: dilation should be greater than zero, but got {ShapeUtil.Format(dilation)} (input {shape})");
        if (p[0] < 0 || p[1] < 0 || p[0] > k[0] / 2 || p[1] > k[1] / 2)
            throw new JitShapeException($"{op}: pad should be at most half of kernel size, but got pad {ShapeUtil.Format(p)} and kernel {ShapeUtil.Format(k)} (input {shape})");
        long oh = OutputSize(x.Sizes[2], k[0], p[0], s[0], dilation[0], ceil);
        long ow = OutputSize(x.Sizes[3], k[1], p[1], s[1], dilation[1], ceil);
        if (oh < 1 || ow < 1)
            throw new JitShapeException($"{op}: given input size {shape}, calculated output size ({oh}x{ow}) is too small");
        return new Geometry(k[0], k[1], s[0], s[1], p[0], p[1], dilation[0], dilation[1], oh, ow);
    }

    internal static (Tensor Values, Tensor? Indices) MaxPool(ReadOnlySpan<IValue> i, string op, bool withIndices)
    {
        var original = i[0].AsTensor;
        var x = Input4d(original, op);
        var dilation = ShapeArgs.IntsN(i[4], 2, op, "dilation");
        var g = Window(x, i[1], i[2], i[3], dilation, i[5].AsBool, op);
        var (values, indices) = Run(x, g.OH, g.OW, (compute, src, plane, h, w, outBase) =>
            compute.Max(src, plane, h, w, outBase, g));
        return Finish(original, values, withIndices ? indices : null);
    }

    private static Tensor AvgPool(ReadOnlySpan<IValue> i)
    {
        const string op = "aten::avg_pool2d";
        var original = i[0].AsTensor;
        var x = Input4d(original, op);
        var g = Window(x, i[1], i[2], i[3], [1, 1], i[4].AsBool, op);
        bool includePad = i[5].AsBool;
        long? divisor = i[6].IsNone ? null : i[6].AsInt;
        if (divisor == 0) throw new JitShapeException($"{op}: divisor must be not zero (input {ShapeUtil.Format(original.Sizes)})");
        var (values, _) = Run(x, g.OH, g.OW, (compute, src, plane, h, w, outBase) =>
            compute.Avg(src, plane, h, w, outBase, g, includePad, divisor));
        return Finish(original, values, null).Values;
    }

    internal static (Tensor Values, Tensor? Indices) Adaptive(Tensor original, IValue outputSize, bool max, string op)
    {
        var x = Input4d(original, op);
        var size = ShapeArgs.IntsN(outputSize, 2, op, "output_size");
        if (size[0] < 0 || size[1] < 0)
            throw new JitShapeException($"{op}: output size {ShapeUtil.Format(size)} must be non-negative (input {ShapeUtil.Format(original.Sizes)})");
        var (values, indices) = Run(x, size[0], size[1], (compute, src, plane, h, w, outBase) =>
            compute.Adaptive(src, plane, h, w, outBase, size[0], size[1], max));
        return Finish(original, values, max ? indices : null);
    }

    private static (Tensor Values, Tensor? Indices) Finish(Tensor original, Tensor values, Tensor? indices)
    {
        if (original.Rank == 3)
            return (ShapeViews.Squeeze(values, 0), indices is null ? null : ShapeViews.Squeeze(indices, 0));
        return (values, indices);
    }

    private delegate void PlaneBody(IPoolCompute compute, long src, long[] plane, long h, long w, long outBase);

    /// <summary>Allocates outputs and runs <paramref name="body"/> once per (n, c) plane in the compute dtype.</summary>
    private static (Tensor Values, Tensor Indices) Run(Tensor x, long oh, long ow, PlaneBody body)
    {
        long n = x.Sizes[0], c = x.Sizes[1], h = x.Sizes[2], w = x.Sizes[3];
        var computeType = x.DType == DType.Float64 ? DType.Float64 : DType.Float32;
        var src = x.DType == computeType ? x : ShapeCopy.ToContiguous(x, computeType);
        var values = Tensor.Empty(computeType, n, c, oh, ow);
        var indices = Tensor.Empty(DType.Int64, n, c, oh, ow);
        IPoolCompute compute = computeType == DType.Float64
            ? new PoolCompute<double>(src, values, indices)
            : new PoolCompute<float>(src, values, indices);
        long[] planeStrides = [src.Strides[2], src.Strides[3]];
        for (long b = 0; b < n; b++)
        {
            for (long ch = 0; ch < c; ch++)
                body(compute, src.StorageOffset + b * src.Strides[0] + ch * src.Strides[1], planeStrides, h, w, (b * c + ch) * oh * ow);
        }
        return (ShapeCopy.ToContiguous(values, x.DType), indices);
    }

    private interface IPoolCompute
    {
        void Max(long src, long[] strides, long h, long w, long outBase, Geometry g);
        void Avg(long src, long[] strides, long h, long w, long outBase, Geometry g, bool includePad, long? divisor);
        void Adaptive(long src, long[] strides, long h, long w, long outBase, long oh, long ow, bool max);
    }

    private sealed class PoolCompute<T>(Tensor input, Tensor values, Tensor indices) : IPoolCompute
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private Span<T> In => MemoryMarshal.Cast<byte, T>(input.Storage.Bytes.Span);
        private Span<T> Out => MemoryMarshal.Cast<byte, T>(values.Storage.Bytes.Span);
        private Span<long> Idx => MemoryMarshal.Cast<byte, long>(indices.Storage.Bytes.Span);

        public void Max(long src, long[] st, long h, long w, long outBase, Geometry g)
        {
            var inp = In;
            var outp = Out;
            var idx = Idx;
            for (long oy = 0; oy < g.OH; oy++)
            {
                var (y0, y1) = MaxPoolWindow.Taps(oy, g.SH, g.PH, g.KH, g.DH, h);
                for (long ox = 0; ox < g.OW; ox++)
                {
                    var (x0, x1) = MaxPoolWindow.Taps(ox, g.SW, g.PW, g.KW, g.DW, w);
                    long best = y0 * w + x0;
                    T m = T.NegativeInfinity;
                    for (long y = y0; y < y1; y += g.DH)
                    {
                        for (long x = x0; x < x1; x += g.DW)
                        {
                            T v = inp[(int)(src + y * st[0] + x * st[1])];
                            if (v > m || T.IsNaN(v))
                            {
                                m = v;
                                best = y * w + x;
                                if (T.IsNaN(v)) goto done;
                            }
                        }
                    }
                done:
                    long o = outBase + oy * g.OW + ox;
                    outp[(int)o] = m;
                    idx[(int)o] = best;
                }
            }
        }

        public void Avg(long src, long[] st, long h, long w, long outBase, Geometry g, bool includePad, long? divisor)
        {
            var inp = In;
            var outp = Out;
            for (long oy = 0; oy < g.OH; oy++)
            {
                for (long ox = 0; ox < g.OW; ox++)
                {
                    var win = AvgPoolWindow.At(oy, ox, g.SH, g.SW, g.PH, g.PW, g.KH, g.KW, h, w);
                    long o = outBase + oy * g.OW + ox;
                    if (win.IsEmpty)
                    {
                        outp[(int)o] = T.Zero;
                        continue;
                    }
                    T sum = T.Zero;
                    for (long y = win.Y0; y < win.Y1; y++)
                    {
                        for (long x = win.X0; x < win.X1; x++) sum += inp[(int)(src + y * st[0] + x * st[1])];
                    }
                    long div = win.Divisor(divisor, includePad);
                    outp[(int)o] = sum / T.CreateChecked(div);
                }
            }
        }

        public void Adaptive(long src, long[] st, long h, long w, long outBase, long oh, long ow, bool max)
        {
            var inp = In;
            var outp = Out;
            var idx = Idx;
            for (long oy = 0; oy < oh; oy++)
            {
                long y0 = oy * h / oh, y1 = ((oy + 1) * h + oh - 1) / oh;
                for (long ox = 0; ox < ow; ox++)
                {
                    long x0 = ox * w / ow, x1 = ((ox + 1) * w + ow - 1) / ow;
                    long o = outBase + oy * ow + ox;
                    T acc = max ? T.NegativeInfinity : T.Zero;
                    long best = y0 * w + x0;
                    for (long y = y0; y < y1; y++)
                    {
                        for (long x = x0; x < x1; x++)
                        {
                            T v = inp[(int)(src + y * st[0] + x * st[1])];
                            if (!max) acc += v;
                            else if (v > acc || T.IsNaN(v))
                            {
                                acc = v;
                                best = y * w + x;
                                if (T.IsNaN(v)) goto done;
                            }
                        }
                    }
                done:
                    outp[(int)o] = max ? acc : acc / T.CreateChecked((y1 - y0) * (x1 - x0));
                    idx[(int)o] = best;
                }
            }
        }
    }
}
