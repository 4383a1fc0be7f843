using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Passes;

/// <summary>
/// Folds an eval-mode <c>aten::batch_norm</c> into the convolution feeding it, as PyTorch's
/// <c>FoldFrozenConvBatchnorm</c> (passes/frozen_conv_folding.cpp) does: with frozen (constant)
/// conv weight and bias and constant batch-norm statistics and affine parameters,
/// <c>w' = w * (γ / sqrt(var + eps))</c> per output channel and
/// <c>b' = (b - mean) * γ / sqrt(var + eps) + β</c>, computed in double and rounded to the weight's
/// dtype. Fires only when the conv output has no other use and <c>training</c> is constant False.
/// </summary>
public sealed class FoldConvBatchNorm : IGraphPass
{
    public string Name => nameof(FoldConvBatchNorm);

    public bool Run(Graph graph)
    {
        bool changed = false;
        foreach (var node in graph.AllNodes().Where(n => n.Kind == "aten::batch_norm").ToList())
            changed |= TryFold(node);
        return changed;
    }

    private static readonly HashSet<string> ShapeQueries =
        ["aten::dim", "aten::size", "aten::numel", "aten::len", "prim::dtype", "prim::device", "prim::layout"];

    private static bool TryFold(Node bn)
    {
        // batch_norm(input, weight?, bias?, running_mean?, running_var?, training, momentum, eps, cudnn_enabled)
        if (bn.Inputs.Count != 9) return false;
        var conv = bn.Inputs[0].Node;
        if (!IsFoldableConv(conv) || conv.Outputs.Count != 1) return false;
        // The conv's output changes value, so its only other readers may be ones that look at its
        // shape, rank or dtype (BatchNorm's own `input.dim() != 4` check), which folding keeps.
        if (conv.Output().Uses.Any(u => u.User != bn && !ShapeQueries.Contains(u.User.Kind))) return false;
        if (AbstractValue.Of(bn.Inputs[5]).Constant is not { IsBool: true, AsBool: false }) return false;
        if (AbstractValue.Of(bn.Inputs[7]).Constant is not { IsScalar: true } epsValue) return false;
        if (ConstTensor(conv.Inputs[1]) is not { } w || !w.DType.IsFloatingPoint() || w.Rank < 3) return false;
        long cout = w.Size(0);
        if (!OptionalChannelTensor(conv.Inputs[2], cout, out var convBias)
            || !OptionalChannelTensor(bn.Inputs[1], cout, out var gamma)
            || !OptionalChannelTensor(bn.Inputs[2], cout, out var beta)
            || ConstTensor(bn.Inputs[3]) is not { } mean || mean.NumElements != cout
            || ConstTensor(bn.Inputs[4]) is not { } variance || variance.NumElements != cout)
            return false;

        double eps = epsValue.AsDouble;
        var scale = new double[cout];
        var bias = Tensor.Empty(w.DType, cout);
        for (int c = 0; c < cout; c++)
        {
            double g = gamma?.GetDouble(c) ?? 1.0;
            scale[c] = g / Math.Sqrt(variance.GetDouble(c) + eps);
            double b0 = convBias?.GetDouble(c) ?? 0.0;
            bias.SetDouble(c, (b0 - mean.GetDouble(c)) * scale[c] + (beta?.GetDouble(c) ?? 0.0));
        }
        var weight = Tensor.Empty(w.DType, w.SizesArray());
        long perChannel = w.NumElements / Math.Max(cout, 1);
        for (long i = 0; i < w.NumElements; i++)
            weight.SetDouble(i, w.GetDouble(i) * scale[i / perChannel]);

        var oldWeight = conv.Inputs[1].Node;
        var oldBias = conv.Inputs[2].Node;
        conv.ReplaceInput(1, NewConstant(conv, weight));
        conv.ReplaceInput(2, NewConstant(conv, bias));
        if (bn.Output().Type is TensorType { IsUnrefined: false } t) conv.Output().Type = t;
        bn.Output().ReplaceAllUsesWith(conv.Output());
        bn.Destroy();
        // The old parameters are dead unless shared; dropping them here saves a DCE round.
        foreach (var old in new[] { oldWeight, oldBias })
            if (old.Kind == "prim::Constant" && old.IsInserted && !old.Outputs.Any(o => o.HasUses)) old.Destroy();
        return true;
    }

    private static bool IsFoldableConv(Node n) => n.Kind switch
    {
        "aten::conv1d" or "aten::conv2d" or "aten::conv3d" => n.Inputs.Count == 7,
        // _convolution(input, weight, bias, stride, padding, dilation, transposed, ...): not transposed.
        "aten::_convolution" => n.Inputs.Count >= 9 && AbstractValue.Of(n.Inputs[6]).Constant is { IsBool: true, AsBool: false },
        _ => false,
    };

    private static Tensor? ConstTensor(Value v) =>
        v.Node.Kind == "prim::Constant" && AbstractValue.Of(v).Constant is { IsTensor: true } c ? c.AsTensor : null;

    /// <summary>A constant None (null tensor) or a constant tensor of <paramref name="n"/> elements.</summary>
    private static bool OptionalChannelTensor(Value v, long n, out Tensor? t)
    {
        t = null;
        if (v.Node.Kind != "prim::Constant") return false;
        var a = AbstractValue.Of(v);
        if (a.IsNone) return true;
        t = ConstTensor(v);
        return t is not null && t.NumElements == n;
    }

    private static Value NewConstant(Node before, Tensor t)
    {
        var c = before.Graph.Create("prim::Constant");
        Constants.SetValue(c, IValue.FromTensor(t));
        c.Output().Type = TensorType.FromTensor(t);
        c.InsertBefore(before);
        return c.Output();
    }
}
