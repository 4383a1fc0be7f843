using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Common.StridedMathArgs;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// Network ops built on the existing families: instance_norm (batch_norm over N·C channels, as
/// PyTorch computes it), _softmax/_log_softmax, logsumexp, the 1-D pools (2-D pools over a height
/// of 1), convolution, padding in every mode, and nearest/bilinear 2-D upsampling.
/// </summary>
internal static class NnMoreKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::instance_norm", (i, o) => o[0] = InstanceNorm(i));
        t.Add("aten::_softmax", (i, o) => o[0] = HalfSoftmax("aten::_softmax", i, log: false));
        t.Add("aten::_log_softmax", (i, o) => o[0] = HalfSoftmax("aten::_log_softmax", i, log: true));
        t.Add("aten::logsumexp", (i, o) => o[0] = LogSumExp(i[0].AsTensor, i[1], i[2].AsBool));
        t.Add("aten::adaptive_avg_pool1d", (i, o) =>
        {
            const string op = "aten::adaptive_avg_pool1d";
            var size = ShapeArgs.IntsN(i[1], 1, op, "output_size");
            var x = OneD(i[0].AsTensor, op);
            var r = PoolKernels.Adaptive(ShapeViews.Unsqueeze(x, -2, op), ShapeArgs.IntList([1, size[0]]), max: false, op).Values;
            o[0] = ShapeViews.Squeeze(r, r.Rank - 2);
        });
        t.Add("aten::max_pool1d", (i, o) =>
        {
            const string op = "aten::max_pool1d";
            var x = OneD(i[0].AsTensor, op);
            var stride = ShapeArgs.Ints(i[2], op, "stride");
            IValue[] args =
            [
                ShapeViews.Unsqueeze(x, -2, op), ShapeArgs.IntList([1, ShapeArgs.IntsN(i[1], 1, op, "kernel_size")[0]]),
                stride.Length == 0 ? ShapeArgs.IntList([]) : ShapeArgs.IntList([1, ShapeArgs.IntsN(i[2], 1, op, "stride")[0]]),
                ShapeArgs.IntList([0, ShapeArgs.IntsN(i[3], 1, op, "padding")[0]]),
                ShapeArgs.IntList([1, ShapeArgs.IntsN(i[4], 1, op, "dilation")[0]]), i[5],
            ];
            var r = PoolKernels.MaxPool(args, op, withIndices: false).Values;
            o[0] = ShapeViews.Squeeze(r, r.Rank - 2);
        });
        t.Add("aten::convolution", (i, o) => o[0] = ConvKernels.Convolution(i));
        t.Add("aten::constant_pad_nd", (i, o) =>
            o[0] = Pad(i[0].AsTensor, ShapeArgs.Ints(i[1], "aten::constant_pad_nd", "pad"), "constant", i[2].AsDouble, "aten::constant_pad_nd"));
        t.Add("aten::pad", (i, o) =>
            o[0] = Pad(i[0].AsTensor, ShapeArgs.Ints(i[1], "aten::pad", "pad"), i[2].AsString, i[3].IsNone ? 0 : i[3].AsDouble, "aten::pad"));
        t.Add("aten::upsample_nearest2d", (i, o) => o[0] = Upsample(i[0].AsTensor, i[1], null, i[2], i[3], "aten::upsample_nearest2d"));
        t.Add("aten::upsample_bilinear2d", (i, o) => o[0] = Upsample(i[0].AsTensor, i[1], i[2].AsBool, i[3], i[4], "aten::upsample_bilinear2d"));
    }

    private static Tensor OneD(Tensor x, string op)
    {
        if (x.Rank is not (2 or 3)) throw new JitShapeException($"{op}: expected a 2-D or 3-D input but got {ShapeUtil.Format(x.Sizes)}");
        return x;
    }

    private static Tensor HalfSoftmax(string op, ReadOnlySpan<IValue> i, bool log)
    {
        if (i[2].AsBool) throw new JitRuntimeException($"{op}: softmax with half to float conversion is not supported on CPU");
        return NormalizationKernels.Softmax(op, i[0].AsTensor, i[1].AsInt, IValue.None, log);
    }

    private static Tensor LogSumExp(Tensor x, IValue dim, bool keepdim)
    {
        const string op = "aten::logsumexp";
        var dtype = x.DType.IsFloatingPoint() ? x.DType : DType.Float32;
        var rows = new StridedMathRows(x, ReduceDims(dim, x.Rank, op));
        var v = StridedMathCopy.GatherDouble(rows.View, rows.PermutedSizes);
        var r = new double[rows.Outer];
        for (long k = 0; k < rows.Outer; k++)
        {
            long b = k * rows.Inner;
            double max = double.NegativeInfinity;
            for (long j = b; j < b + rows.Inner; j++) max = Math.Max(max, v[j]);
            // An infinite max would make inf - inf = NaN; PyTorch shifts by 0 instead.
            if (double.IsInfinity(max)) max = 0;
            double sum = 0;
            for (long j = b; j < b + rows.Inner; j++) sum += Math.Exp(v[j] - max);
            r[k] = Math.Log(sum) + max;
        }
        return StridedMathCopy.ToTensor(r, dtype, rows.OutShape(keepdim));
    }

    // PyTorch's instance_norm: batch_norm on the input viewed as [1, N·C, *] with the affine
    // parameters and running stats repeated per sample; the running stats then take the batch mean.
    private static Tensor InstanceNorm(ReadOnlySpan<IValue> i)
    {
        const string op = "aten::instance_norm";
        var x = i[0].AsTensor;
        if (x.Rank < 2) throw new JitShapeException($"{op}: expected an input of at least 2 dims (N, C, *), got {ShapeUtil.Format(x.Sizes)}");
        long n = x.Sizes[0], c = x.Sizes[1];
        Tensor? runMean = i[3].AsTensorOrNull, runVar = i[4].AsTensorOrNull;
        bool useInputStats = i[5].AsBool;
        var shape = x.SizesArray();
        shape[0] = 1;
        shape[1] = n * c;
        Tensor? rm = Repeat(runMean, n, c, op), rv = Repeat(runVar, n, c, op);
        IValue[] args =
        [
            ShapeViews.Reshape(x, shape, op), Opt(Repeat(i[1].AsTensorOrNull, n, c, op)), Opt(Repeat(i[2].AsTensorOrNull, n, c, op)),
            Opt(rm), Opt(rv), useInputStats, i[6], i[7],
        ];
        var output = NormalizationKernels.BatchNorm(op, args).Output;
        if (useInputStats)
        {
            BatchMean(rm, runMean, n, c);
            BatchMean(rv, runVar, n, c);
        }
        return ShapeViews.Reshape(output, x.Sizes, op);
    }

    private static IValue Opt(Tensor? t) => t is null ? IValue.None : t;

    private static Tensor? Repeat(Tensor? t, long n, long c, string op)
    {
        if (t is null) return null;
        if (t.NumElements != c) throw new JitShapeException($"{op}: expected a per-channel tensor of {c} elements but got {ShapeUtil.Format(t.Sizes)}");
        var v = StridedMathCopy.GatherDouble(t, [c]);
        var r = new double[n * c];
        for (long k = 0; k < r.Length; k++) r[k] = v[k % c];
        return StridedMathCopy.ToTensor(r, t.DType, [n * c]);
    }

    private static void BatchMean(Tensor? repeated, Tensor? target, long n, long c)
    {
        if (repeated is null || target is null) return;
        var v = StridedMathCopy.GatherDouble(repeated, [n * c]);
        var m = new double[c];
        for (long k = 0; k < v.Length; k++) m[k % c] += v[k] / n;
        StridedMathCopy.Scatter(m, target);
    }

    /// <summary>Pads the last dims by (before, after) pairs from the last dim backwards; negative pads crop.</summary>
    private static Tensor Pad(Tensor x, long[] pad, string mode, double value, string op)
    {
        if (pad.Length % 2 != 0 || pad.Length / 2 > x.Rank)
            throw new JitShapeException($"{op}: padding length must be even and at most twice the rank, got {pad.Length} for input {ShapeUtil.Format(x.Sizes)}");
        if (mode is not ("constant" or "reflect" or "replicate" or "circular"))
            throw new JitRuntimeException($"{op}: unrecognised padding mode '{mode}'");
        int rank = x.Rank;
        var before = new long[rank];
        var outShape = x.SizesArray();
        for (int k = 0; k < pad.Length / 2; k++)
        {
            int d = rank - 1 - k;
            long n = x.Sizes[d];
            before[d] = pad[2 * k];
            outShape[d] = n + pad[2 * k] + pad[2 * k + 1];
            if (outShape[d] < 0) throw new JitShapeException($"{op}: the padded size of dim {d} would be {outShape[d]} for input {ShapeUtil.Format(x.Sizes)}");
            bool tooBig = mode switch
            {
                "reflect" => pad[2 * k] >= n || pad[2 * k + 1] >= n,
                "circular" => pad[2 * k] > n || pad[2 * k + 1] > n,
                "replicate" => n == 0,
                _ => false,
            };
            if (tooBig) throw new JitShapeException($"{op}: padding ({pad[2 * k]}, {pad[2 * k + 1]}) is too large for dim {d} of size {n} in {mode} mode");
        }
        var src = new ElementBuffer(x);
        long total = StridedMathCopy.Numel(outShape);
        var dst = src.Like(total);
        var strides = ShapeUtil.ContiguousStrides(x.Sizes);
        var coord = new long[rank];
        for (long e = 0; e < total; e++)
        {
            long rem = e, pos = 0;
            bool inside = true;
            for (int d = rank - 1; d >= 0; d--)
            {
                long o = rem % outShape[d], n = x.Sizes[d];
                rem /= outShape[d];
                long s = o - before[d];
                if (s < 0 || s >= n)
                {
                    switch (mode)
                    {
                        case "constant": inside = false; break;
                        case "reflect": s = s < 0 ? -s : 2 * (n - 1) - s; break;
                        case "replicate": s = Math.Clamp(s, 0, n - 1); break;
                        default: s = ((s % n) + n) % n; break;
                    }
                }
                coord[d] = s;
                pos += s * strides[d];
            }
            if (inside) src.CopyElement(pos, dst, e);
            else dst.Set(e, value);
        }
        return dst.ToTensor(outShape);
    }

    /// <summary>upsample_nearest2d (<paramref name="alignCorners"/> null) or upsample_bilinear2d over [N, C, H, W].</summary>
    private static Tensor Upsample(Tensor x, IValue outputSize, bool? alignCorners, IValue scaleH, IValue scaleW, string op)
    {
        if (x.Rank != 4) throw new JitShapeException($"{op}: expected a 4-D input [N, C, H, W] but got {ShapeUtil.Format(x.Sizes)}");
        if (!x.DType.IsFloatingPoint() && alignCorners is not null) throw NotImplemented(op, x.DType);
        var size = ShapeArgs.IntsN(outputSize, 2, op, "output_size");
        long inH = x.Sizes[2], inW = x.Sizes[3], outH = size[0], outW = size[1];
        if (outH <= 0 || outW <= 0 || inH <= 0 || inW <= 0)
            throw new JitShapeException($"{op}: input {ShapeUtil.Format(x.Sizes)} and output size [{outH}, {outW}] must be greater than 0");
        long planes = x.Sizes[0] * x.Sizes[1];
        var src = new ElementBuffer(x);
        var dst = src.Like(planes * outH * outW);
        if (alignCorners is not { } align)
        {
            // PyTorch's nearest_idx: the source index is floor(dst · scale) in float32.
            float sh = Scale(inH, outH, scaleH, false), sw = Scale(inW, outW, scaleW, false);
            for (long p = 0; p < planes; p++)
                for (long h = 0; h < outH; h++)
                {
                    long ih = Math.Min((long)MathF.Floor(h * sh), inH - 1);
                    for (long w = 0; w < outW; w++)
                    {
                        long iw = Math.Min((long)MathF.Floor(w * sw), inW - 1);
                        src.CopyElement((p * inH + ih) * inW + iw, dst, (p * outH + h) * outW + w);
                    }
                }
            return dst.ToTensor([x.Sizes[0], x.Sizes[1], outH, outW]);
        }
        float bh = Scale(inH, outH, scaleH, align), bw = Scale(inW, outW, scaleW, align);
        var v = new double[planes * outH * outW];
        for (long h = 0; h < outH; h++)
        {
            var (h0, h1, lh) = Source(h, bh, inH, align);
            for (long w = 0; w < outW; w++)
            {
                var (w0, w1, lw) = Source(w, bw, inW, align);
                for (long p = 0; p < planes; p++)
                {
                    long b = p * inH * inW;
                    v[(p * outH + h) * outW + w] =
                        (1 - lh) * ((1 - lw) * src[b + h0 * inW + w0] + lw * src[b + h0 * inW + w1]) +
                        lh * ((1 - lw) * src[b + h1 * inW + w0] + lw * src[b + h1 * inW + w1]);
                }
            }
        }
        return StridedMathCopy.ToTensor(v, x.DType, [x.Sizes[0], x.Sizes[1], outH, outW]);
    }

    // area_pixel_compute_scale: input/output, or 1/scale where a scale is given.
    private static float Scale(long input, long output, IValue scale, bool alignCorners)
    {
        if (alignCorners) return output > 1 ? (float)(input - 1) / (output - 1) : 0f;
        return !scale.IsNone && scale.AsDouble > 0 ? (float)(1.0 / scale.AsDouble) : (float)input / output;
    }

    // The two source taps and the weight of the second, as upsample_bilinear2d computes them.
    private static (long I0, long I1, double Lambda) Source(long dst, float scale, long input, bool alignCorners)
    {
        float real = alignCorners ? scale * dst : Math.Max(0f, scale * (dst + 0.5f) - 0.5f);
        long i0 = Math.Min((long)real, input - 1);
        long i1 = i0 + (i0 < input - 1 ? 1 : 0);
        return (i0, i1, Math.Min(Math.Max(real - i0, 0), 1));
    }
}
