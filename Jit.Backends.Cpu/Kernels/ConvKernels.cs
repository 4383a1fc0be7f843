using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// conv1d/conv2d and <c>_convolution</c> (not transposed) as im2col + GEMM per sample and group.
/// conv1d runs as conv2d over a height of 1. The im2col step is a strided element copy, so every
/// dtype the GEMM handles works (PyTorch 1.13 also convolves int64 on CPU). Float32/float64 take
/// the packed GEMM with the bias (and an optional relu) fused in its epilogue; a 1x1, stride-1,
/// unpadded conv multiplies the input in place (no im2col), and depthwise convs run directly
/// (<see cref="ConvDepthwise"/>).
/// </summary>
internal static class ConvKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::conv2d", (i, o) => o[0] = ConvNd(i[0].AsTensor, i[1].AsTensor, i[2].AsTensorOrNull, 2,
            i[3], Pad(i[4], 2, "aten::conv2d"), i[5], i[6].AsInt, "aten::conv2d"));
        t.Add("aten::conv1d", (i, o) => o[0] = ConvNd(i[0].AsTensor, i[1].AsTensor, i[2].AsTensorOrNull, 1,
            i[3], Pad(i[4], 1, "aten::conv1d"), i[5], i[6].AsInt, "aten::conv1d"));
        t.Add("aten::conv2d.padding", (i, o) => o[0] = ConvNd(i[0].AsTensor, i[1].AsTensor, i[2].AsTensorOrNull, 2,
            i[3], PadMode(i[4], i[1].AsTensor, i[5], i[3], 2, "aten::conv2d"), i[5], i[6].AsInt, "aten::conv2d"));
        t.Add("aten::conv1d.padding", (i, o) => o[0] = ConvNd(i[0].AsTensor, i[1].AsTensor, i[2].AsTensorOrNull, 1,
            i[3], PadMode(i[4], i[1].AsTensor, i[5], i[3], 1, "aten::conv1d"), i[5], i[6].AsInt, "aten::conv1d"));
        // _convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups, ...)
        t.Add("aten::_convolution", (i, o) => o[0] = Convolution(i));
        t.Add("aten::_convolution.deprecated", (i, o) => o[0] = Convolution(i));
        // PyTorch's fused forms (what FuseConvAddRelu rewrites to): relu(conv2d(x, w, b)) and relu(conv2d(x, w, b) + alpha·z).
        t.Add("aten::cudnn_convolution_relu", (i, o) => o[0] = ConvFused(i[0].AsTensor, i[1].AsTensor, i[2].AsTensorOrNull, null, default,
            i[3], i[4], i[5], i[6].AsInt, "aten::cudnn_convolution_relu"));
        t.Add("aten::cudnn_convolution_add_relu", (i, o) => o[0] = ConvFused(i[0].AsTensor, i[1].AsTensor, i[4].AsTensorOrNull, i[2].AsTensor, i[3],
            i[5], i[6], i[7], i[8].AsInt, "aten::cudnn_convolution_add_relu"));
    }

    /// <summary>A batched 2-D conv, then "+ alpha·z" (z of the output's sizes; alpha None is 1), then relu.</summary>
    private static Tensor ConvFused(Tensor input, Tensor weight, Tensor? bias, Tensor? z, IValue alpha,
        IValue stride, IValue padding, IValue dilation, long groups, string op)
    {
        if (input.Rank != 4 || weight.Rank != 4)
            throw new JitShapeException($"{op}: expected a 4-D input and weight, got input {ShapeUtil.Format(input.Sizes)} and weight {ShapeUtil.Format(weight.Sizes)}");
        if (input.DType != weight.DType)
            throw new JitTypeException($"{op}: input type ({input.DType.PythonName()}) and weight type ({weight.DType.PythonName()}) should be the same");
        return Conv2d(input, weight, bias, ShapeArgs.IntsN(stride, 2, op, "stride"), Pad(padding, 2, op), ShapeArgs.IntsN(dilation, 2, op, "dilation"),
            groups, op, relu: true, z, alpha.IsNone ? IValue.FromInt(1) : alpha);
    }

    internal static Tensor Convolution(ReadOnlySpan<IValue> i)
    {
        const string op = "aten::_convolution";
        var input = i[0].AsTensor;
        if (i[6].AsBool)
            throw new JitRuntimeException($"{op}: transposed convolution is not supported by the CPU backend (input {ShapeUtil.Format(input.Sizes)}, weight {ShapeUtil.Format(i[1].AsTensor.Sizes)})");
        int spatial = input.Rank - 2;
        if (spatial is not (1 or 2))
            throw new JitRuntimeException($"{op}: only 1-D and 2-D convolutions are supported, got input {ShapeUtil.Format(input.Sizes)} and weight {ShapeUtil.Format(i[1].AsTensor.Sizes)}");
        return ConvNd(input, i[1].AsTensor, i[2].AsTensorOrNull, spatial, i[3], Pad(i[4], spatial, op), i[5], i[8].AsInt, op);
    }

    /// <summary>Symmetric padding as (before, after) pairs per spatial dim.</summary>
    private static long[] Pad(IValue padding, int spatial, string op)
    {
        var p = ShapeArgs.IntsN(padding, spatial, op, "padding");
        var r = new long[2 * spatial];
        for (int d = 0; d < spatial; d++) r[2 * d] = r[2 * d + 1] = p[d];
        return r;
    }

    /// <summary>padding='valid' or 'same'; 'same' puts the odd extra element after, as PyTorch.</summary>
    private static long[] PadMode(IValue mode, Tensor weight, IValue dilation, IValue stride, int spatial, string op)
    {
        var r = new long[2 * spatial];
        switch (mode.AsString)
        {
            case "valid": return r;
            case "same":
                var dil = ShapeArgs.IntsN(dilation, spatial, op, "dilation");
                if (ShapeArgs.IntsN(stride, spatial, op, "stride").Any(s => s != 1))
                    throw new JitShapeException($"{op}: padding='same' is not supported for strided convolutions");
                if (weight.Rank != spatial + 2)
                    throw new JitShapeException($"{op}: weight must be {spatial + 2}-D but has shape {ShapeUtil.Format(weight.Sizes)}");
                for (int d = 0; d < spatial; d++)
                {
                    long total = dil[d] * (weight.Sizes[2 + d] - 1);
                    r[2 * d] = total / 2;
                    r[2 * d + 1] = total - total / 2;
                }
                return r;
            default: throw new JitShapeException($"{op}: invalid padding string '{mode.AsString}' (expected 'valid' or 'same')");
        }
    }

    private static Tensor ConvNd(Tensor input, Tensor weight, Tensor? bias, int spatial,
        IValue strideArg, long[] pad, IValue dilationArg, long groups, string op)
    {
        var stride = ShapeArgs.IntsN(strideArg, spatial, op, "stride");
        var dilation = ShapeArgs.IntsN(dilationArg, spatial, op, "dilation");
        if (weight.Rank != spatial + 2)
            throw new JitShapeException($"{op}: expected {spatial + 2}-D weight but got shape {ShapeUtil.Format(weight.Sizes)} (input {ShapeUtil.Format(input.Sizes)})");
        bool unbatched = input.Rank == spatial + 1;
        if (!unbatched && input.Rank != spatial + 2)
            throw new JitShapeException($"{op}: expected {spatial + 1}-D (unbatched) or {spatial + 2}-D (batched) input, but got input of size {ShapeUtil.Format(input.Sizes)} (weight {ShapeUtil.Format(weight.Sizes)})");
        if (input.DType != weight.DType)
            throw new JitTypeException($"{op}: input type ({input.DType.PythonName()}) and weight type ({weight.DType.PythonName()}) should be the same");
        if (unbatched) input = ShapeViews.Unsqueeze(input, 0, op);
        if (spatial == 1)
        {
            input = ShapeViews.Unsqueeze(input, 2, op);
            weight = ShapeViews.Unsqueeze(weight, 2, op);
            stride = [1, stride[0]];
            dilation = [1, dilation[0]];
            pad = [0, 0, pad[0], pad[1]];
        }
        var r = Conv2d(input, weight, bias, stride, pad, dilation, groups, op);
        if (spatial == 1) r = ShapeViews.Squeeze(r, 2);
        return unbatched ? ShapeViews.Squeeze(r, 0) : r;
    }

    private static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, long[] stride, long[] pad, long[] dilation, long groups, string op,
        bool relu = false, Tensor? addend = null, IValue alpha = default)
    {
        long n = input.Sizes[0], c = input.Sizes[1], h = input.Sizes[2], w = input.Sizes[3];
        long oc = weight.Sizes[0], cg = weight.Sizes[1], kh = weight.Sizes[2], kw = weight.Sizes[3];
        string shapes = $"input {ShapeUtil.Format(input.Sizes)}, weight {ShapeUtil.Format(weight.Sizes)}";
        if (groups <= 0) throw new JitShapeException($"{op}: non-positive groups {groups} ({shapes})");
        if (stride.Any(s => s <= 0)) throw new JitShapeException($"{op}: non-positive stride {ShapeUtil.Format(stride)} ({shapes})");
        if (dilation.Any(s => s <= 0)) throw new JitShapeException($"{op}: dilation must be positive but got {ShapeUtil.Format(dilation)} ({shapes})");
        if (pad.Any(s => s < 0)) throw new JitShapeException($"{op}: negative padding ({shapes})");
        if (oc % groups != 0) throw new JitShapeException($"{op}: out channels {oc} must be divisible by groups {groups} ({shapes})");
        if (c != cg * groups)
            throw new JitShapeException($"{op}: given groups={groups}, weight of size {ShapeUtil.Format(weight.Sizes)}, expected input {ShapeUtil.Format(input.Sizes)} to have {cg * groups} channels, but got {c} channels instead");
        if (bias is not null && (bias.Rank != 1 || bias.Sizes[0] != oc))
            throw new JitShapeException($"{op}: bias of shape {ShapeUtil.Format(bias.Sizes)} does not match {oc} output channels ({shapes})");
        long eh = dilation[0] * (kh - 1) + 1, ew = dilation[1] * (kw - 1) + 1;
        long ph = h + pad[0] + pad[1], pw = w + pad[2] + pad[3];
        if (ph < eh || pw < ew)
            throw new JitShapeException($"{op}: calculated padded input size per channel: ({ph} x {pw}); kernel size: ({eh} x {ew}); kernel size can't be greater than actual input size ({shapes})");
        long oh = (ph - eh) / stride[0] + 1, ow = (pw - ew) / stride[1] + 1;
        var output = Tensor.Empty(input.DType, n, oc, oh, ow);
        if (output.NumElements == 0) return output;
        if (bias is not null && bias.DType != input.DType)
            throw new JitTypeException($"{op}: bias type ({bias.DType.PythonName()}) should be the same as input type ({input.DType.PythonName()})");
        if (addend is not null)
        {
            if (addend.DType != input.DType || !addend.Sizes.SequenceEqual(output.Sizes))
                throw new JitShapeException($"{op}: z must be a {input.DType.PythonName()} tensor of the output's shape {ShapeUtil.Format(output.Sizes)}, got {addend.DType.PythonName()}{ShapeUtil.Format(addend.Sizes)} ({shapes})");
            if (!alpha.IsInt && !alpha.IsDouble)
                throw new JitTypeException($"{op}: alpha must be a number, got {alpha.TagName} ({shapes})");
        }
        if (input.DType == DType.Float32) return ConvFloat<float>(input, weight, bias, Scaled(addend, alpha), output, stride, pad, dilation, groups, relu);
        if (input.DType == DType.Float64) return ConvFloat<double>(input, weight, bias, Scaled(addend, alpha), output, stride, pad, dilation, groups, relu);
        long ocg = oc / groups, rows = cg * kh * kw, plane = oh * ow;
        var xc = ShapeCopy.ToContiguous(input, input.DType);
        var wc = ShapeCopy.ToContiguous(weight, weight.DType);
        var shape = Shape(xc, wc, output, stride, pad, dilation, groups);
        var cols = shape.IsPointwise ? null : Tensor.Empty(input.DType, rows, plane);
        for (long b = 0; b < n; b++)
        {
            for (long g = 0; g < groups; g++)
            {
                long group = (b * c + g * cg) * h * w;
                Tensor colView;
                if (cols is null)
                {
                    colView = xc.AsStrided([cg, plane], [plane, 1], xc.StorageOffset + group);
                }
                else
                {
                    ConvIm2Col.Fill(shape, xc, group, (int)cg, cols);
                    colView = cols;
                }
                var wg = wc.AsStrided([ocg, rows], [rows, 1], wc.StorageOffset + g * ocg * rows);
                var og = output.AsStrided([ocg, plane], [plane, 1], (b * oc + g * ocg) * plane);
                ShapeGemm.MatmulInto(wg, colView, og, op);
            }
        }
        if (bias is not null)
            ShapeEpilogue.AddScaled(output, ShapeViews.View(bias, [oc, 1, 1], op), IValue.FromInt(1), IValue.FromInt(1), op);
        if (addend is not null)
            ShapeEpilogue.AddScaled(output, addend, IValue.FromInt(1), alpha, op);
        if (relu)
        {
            // Integer and half dtypes: the fused entry's relu as a separate pass.
            for (long e = 0; e < output.NumElements; e++)
                if (output.ReadDouble(e) < 0) output.WriteLong(e, 0);
        }
        return output;
    }

    /// <summary>Float32/float64 through <see cref="ConvGemm"/>: bias and relu in the GEMM epilogue.</summary>
    private static Tensor ConvFloat<T>(Tensor input, Tensor weight, Tensor? bias, Tensor? addend, Tensor output, long[] stride, long[] pad, long[] dilation, long groups, bool relu)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var dtype = input.DType;
        var x = ShapeCopy.ToContiguous(input, dtype);
        var w = ShapeCopy.ToContiguous(weight, dtype);
        var b = bias is null ? null : ShapeCopy.ToContiguous(bias, dtype);
        var z = addend is null ? null : ShapeCopy.ToContiguous(addend, dtype);
        ConvGemm.Run<T>(Shape(x, w, output, stride, pad, dilation, groups), x, w, b, z, output, relu, CpuThreads.Count);
        return output;
    }

    // alpha·z for a float conv's fused addend; alpha 1 (what the fusion pass makes) leaves z as it is.
    private static Tensor? Scaled(Tensor? z, IValue alpha)
    {
        if (z is null || alpha.AsDouble == 1) return z;
        var r = Tensor.Empty(z.DType, z.Sizes);
        ShapeCopy.Copy(z, r);
        for (long e = 0; e < r.NumElements; e++) r.WriteDouble(e, alpha.AsDouble * r.ReadDouble(e));
        return r;
    }

    /// <summary>The geometry of input x, weight w and output y (sizes already checked); padding (top, bottom, left, right).</summary>
    internal static Conv2dShape Shape(Tensor x, Tensor w, Tensor y, long[] stride, long[] pad, long[] dilation, long groups)
    {
        if (!Conv2dShape.TryCreate(x.Sizes[0], x.Sizes[1], x.Sizes[2], x.Sizes[3], w.Sizes[0], groups, w.Sizes[2], w.Sizes[3],
                stride[0], stride[1], pad[0], pad[2], dilation[0], dilation[1], y.Sizes[2], y.Sizes[3], out var shape))
            throw new JitShapeException($"aten::conv2d: sizes, strides, paddings or dilations beyond {int.MaxValue} (input {ShapeUtil.Format(x.Sizes)}, weight {ShapeUtil.Format(w.Sizes)}, stride {ShapeUtil.Format(stride)}, padding {ShapeUtil.Format(pad)}, dilation {ShapeUtil.Format(dilation)})");
        return shape;
    }
}
