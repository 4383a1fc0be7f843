using Jit.Kernels.Building;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Kernels.Templates;

/// <summary>
/// 2-D convolution as an implicit GEMM: a loop nest over the output [N, OC, OH, OW] (or the
/// unbatched [OC, OH, OW] of conv2d) summing input·weight over (Cin/groups, kh, kw) in that
/// order, padding read as zero; then bias, the fused ops' addend (alpha·z) and relu. Covers
/// groups, dilation, padding (and padding='valid') and stride; not transposed or 1-D convolutions,
/// nor padding='same'.
/// </summary>
internal static class ConvTemplates
{
    /// <summary>Where an overload keeps each conv argument (-1: absent).</summary>
    private sealed record Layout(int Bias, int Stride, int Padding, int Dilation, int Groups, int Transposed = -1, int Z = -1, int Alpha = -1, bool Relu = false);

    public static void Register(Dictionary<string, TemplateFunction> t)
    {
        t.Add("aten::conv2d", args => Conv(args, new Layout(2, 3, 4, 5, 6), allowUnbatched: true));
        t.Add("aten::conv2d.padding", args => Conv(args, new Layout(2, 3, 4, 5, 6), allowUnbatched: true));
        var convolution = new Layout(2, 3, 4, 5, 8, Transposed: 6);
        t.Add("aten::_convolution", args => Conv(args, convolution, allowUnbatched: false));
        t.Add("aten::_convolution.deprecated", args => Conv(args, convolution, allowUnbatched: false));
        t.Add("aten::convolution", args => Conv(args, convolution, allowUnbatched: false));
        t.Add("aten::cudnn_convolution_relu", args => Conv(args, new Layout(2, 3, 4, 5, 6, Relu: true), allowUnbatched: false));
        t.Add("aten::cudnn_convolution_add_relu", args => Conv(args, new Layout(4, 5, 6, 7, 8, Z: 2, Alpha: 3, Relu: true), allowUnbatched: false));
    }

    private static ExternKernel Conv(TemplateArgs args, Layout layout, bool allowUnbatched)
    {
        var x = args.Tensor(0);
        var w = args.Tensor(1);
        var bias = args.OptionalTensor(layout.Bias);
        var z = layout.Z >= 0 ? args.Tensor(layout.Z) : null;
        var alpha = layout.Alpha >= 0 && !args[layout.Alpha].IsNone ? args.Number(layout.Alpha) : IValue.FromInt(1);
        if (layout.Transposed >= 0 && args.Bool(layout.Transposed)) throw args.Unsupported("transposed convolution");
        var stride = args.Ints(layout.Stride, 2);
        var padding = args[layout.Padding].IsString ? ValidPadding(args, args[layout.Padding].AsString) : args.Ints(layout.Padding, 2);
        var dilation = args.Ints(layout.Dilation, 2);
        long groups = args.Int(layout.Groups);
        var outSizes = Validate(args, x, w, bias, stride, padding, dilation, groups, allowUnbatched);
        if (z is not null && (z.DType != x.DType || !z.Sizes.SequenceEqual(outSizes))) throw args.Unsupported("z must have the output's dtype and shape");
        if (!x.DType.IsFloatingPoint() && !alpha.IsInt) throw args.Unsupported("a float alpha with integer tensors");

        var kb = new KernelBuilder(args);
        bool batched = x.Rank == 4;
        var input = kb.Input("input", x, 0);
        Expr channels = input.Sizes[^3], groupChannels = channels / groups;
        var weight = kb.Input("weight", w, 1, [null, groupChannels]);
        Expr outChannels = weight.Sizes[0], kh = weight.Sizes[2], kw = weight.Sizes[3];
        var b = bias is null ? null : kb.Input("bias", bias, layout.Bias, [outChannels]);
        var rows = new WindowAxis(stride[0], padding[0], dilation[0]);
        var cols = new WindowAxis(stride[1], padding[1], dilation[1]);
        var shape = new List<Expr>();
        if (batched) shape.Add(input.Sizes[0]);
        shape.AddRange([outChannels, rows.ConvOutputSize(input.Sizes[^2], kh), cols.ConvOutputSize(input.Sizes[^1], kw)]);
        var addend = z is null ? null : kb.Input("z", z, layout.Z, shape.Select(TeSimplifier.Simplify).ToArray());
        var output = kb.Output("out", x.DType, shape);

        var nest = new OutputNest(kb, output.Sizes);
        var i = nest.Index;
        int o = batched ? 1 : 0;
        Expr oc = i[o], oy = i[o + 1], ox = i[o + 2];
        Expr inputChannelBase = oc / (outChannels / groups) * groupChannels;
        var accumulate = Accumulation.Of(x.DType);
        var sum = nest.Reduce(Reducer.Sum, accumulate,
            [ReductionAxis.Range(groupChannels), ReductionAxis.Range(kh), ReductionAxis.Range(kw)], r =>
            {
                Expr[] leading = batched ? [i[0], inputChannelBase + r[0]] : [inputChannelBase + r[0]];
                var value = WindowAxis.PaddedLoad(input, leading, rows.Position(oy, r[1]), cols.Position(ox, r[2]), 0.0);
                return Expr.Cast(value, accumulate) * Expr.Cast(weight.Load(oc, r[0], r[1], r[2]), accumulate);
            });
        var result = Expr.Cast(sum, x.DType);
        if (b is not null) result += b.Load(oc);
        if (addend is not null)
        {
            result += NumberConstants.Scale(addend.Load(i.ToArray<Expr>()), alpha);
        }
        if (layout.Relu)
        {
            result = nest.Let(result);
            result = Expr.Select(Expr.Lt(result, 0), 0, result);
        }
        nest.Store(output, result);
        kb.Add(nest.Build());
        return kb.Build();
    }

    // conv2d.padding: 'valid' is no padding; 'same' pads by the weight's (run-time) size, asymmetrically.
    private static long[] ValidPadding(TemplateArgs args, string mode) =>
        mode == "valid" ? [0, 0] : throw args.Unsupported($"padding='{mode}'");

    /// <summary>The CPU kernel's checks; the output sizes of a valid call.</summary>
    private static long[] Validate(TemplateArgs args, Tensor x, Tensor w, Tensor? bias, long[] stride, long[] padding, long[] dilation, long groups, bool allowUnbatched)
    {
        if (w.Rank != 4) throw args.Unsupported($"weight must be 4-D, got {w.Rank}-D");
        if (x.Rank != 4 && !(allowUnbatched && x.Rank == 3)) throw args.Unsupported($"input of rank {x.Rank}");
        if (x.DType != w.DType || !Accumulation.IsNumeric(x.DType)) throw args.Unsupported($"input {x.DType.PythonName()} and weight {w.DType.PythonName()}");
        if (groups <= 0 || stride.Any(s => s <= 0) || dilation.Any(d => d <= 0) || padding.Any(p => p < 0))
            throw args.Unsupported("non-positive groups, stride or dilation, or negative padding");
        long c = x.Sizes[^3], h = x.Sizes[^2], wd = x.Sizes[^1];
        long oc = w.Sizes[0], cg = w.Sizes[1];
        if (oc % groups != 0 || c != cg * groups) throw args.Unsupported($"channels {c} and weight {oc}x{cg} do not fit groups {groups}");
        if (bias is not null && (bias.Rank != 1 || bias.Sizes[0] != oc || bias.DType != x.DType)) throw args.Unsupported("bias must be 1-D with one value per output channel");
        long eh = dilation[0] * (w.Sizes[2] - 1) + 1, ew = dilation[1] * (w.Sizes[3] - 1) + 1;
        long ph = h + 2 * padding[0], pw = wd + 2 * padding[1];
        if (ph < eh || pw < ew) throw args.Unsupported("the kernel is larger than the padded input");
        long[] spatial = [oc, (ph - eh) / stride[0] + 1, (pw - ew) / stride[1] + 1];
        return x.Rank == 4 ? [x.Sizes[0], .. spatial] : spatial;
    }
}
