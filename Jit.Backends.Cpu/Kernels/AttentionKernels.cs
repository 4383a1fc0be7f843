using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// PyTorch 1.13's fused inference paths of nn.MultiheadAttention and nn.TransformerEncoderLayer
/// (<c>aten::_native_multi_head_attention</c>, <c>aten::_transformer_encoder_layer_fwd</c>,
/// ATen/native/transformers/{attention,transformer}.cpp), batch-first dense tensors only.
/// The steps follow ATen's: one projection by qkv_weight, bias added and q scaled by
/// 1/sqrt(head_dim) before q·kᵀ, a masked softmax over the keys, the context merged back to
/// [B, T, E] and projected; the encoder adds the residuals and layer norms around it.
/// Products run on <see cref="ShapeGemm"/>; softmax, layer_norm, gelu and relu are the kernels
/// the unfused ops use.
/// </summary>
internal static class AttentionKernels
{
    private const string MhaOp = "_native_multi_head_attention";
    private const string EncoderOp = "_transformer_encoder_layer_fwd";

    public static void Register(KernelTable t)
    {
        // (query, key, value, embed_dim, num_head, qkv_weight, qkv_bias, proj_weight, proj_bias,
        //  mask?, need_weights, average_attn_weights, mask_type?)
        t.Add("aten::_native_multi_head_attention", (i, o) =>
        {
            var w = new AttentionWeights(i[5].AsTensor, i[6].AsTensor, i[7].AsTensor, i[8].AsTensor);
            var (output, weights) = MultiHeadAttention(MhaOp, i[0].AsTensor, i[1].AsTensor, i[2].AsTensor,
                i[3].AsInt, i[4].AsInt, w, i[9].AsTensorOrNull, i[10].AsBool, i[11].AsBool, OptInt(i[12]));
            o[0] = output;
            // need_weights=False leaves the second output undefined, which TorchScript sees as None.
            o[1] = weights is null ? IValue.None : IValue.FromTensor(weights);
        });
        t.Add("aten::_transformer_encoder_layer_fwd", (i, o) => o[0] = EncoderLayer(i));
    }

    private static long? OptInt(IValue v) => v.IsNone ? null : v.AsInt;

    /// <summary>Returns the projected attention [B, T, E] and the weights (null unless need_weights).</summary>
    internal static (Tensor Output, Tensor? Weights) MultiHeadAttention(string op, Tensor query, Tensor key, Tensor value,
        long embedDim, long numHeads, AttentionWeights w, Tensor? mask, bool needWeights, bool average, long? maskType)
    {
        var dims = AttentionDims.Check(op, query, key, value, embedDim, numHeads, w);
        if (query.NumElements == 0) return (Tensor.Empty(query.DType, query.Sizes), null);
        var keep = mask is null ? null : AttentionMask.Expand(op, mask, dims, maskType);

        // One product when query, key and value are the same tensor (self-attention), as ATen's
        // qkv_projection; otherwise each is projected by its third of qkv_weight.
        Tensor qp, kp, vp;
        if (ReferenceEquals(query, key) && ReferenceEquals(key, value))
        {
            var qkv = MatmulKernels.Linear(query, w.QkvWeight, null);
            qp = ShapeViews.Narrow(qkv, 2, 0, dims.E, op);
            kp = ShapeViews.Narrow(qkv, 2, dims.E, dims.E, op);
            vp = ShapeViews.Narrow(qkv, 2, 2 * dims.E, dims.E, op);
        }
        else
        {
            qp = MatmulKernels.Linear(query, ShapeViews.Narrow(w.QkvWeight, 0, 0, dims.E, op), null);
            kp = MatmulKernels.Linear(key, ShapeViews.Narrow(w.QkvWeight, 0, dims.E, dims.E, op), null);
            vp = MatmulKernels.Linear(value, ShapeViews.Narrow(w.QkvWeight, 0, 2 * dims.E, dims.E, op), null);
        }
        var bias = StridedMathCopy.GatherDouble(w.QkvBias, w.QkvBias.Sizes);
        var q = AttentionHeads.Split(qp, bias, 0, 1 / Math.Sqrt(dims.HeadDim), dims);
        var k = AttentionHeads.Split(kp, bias, dims.E, 1, dims);
        var v = AttentionHeads.Split(vp, bias, 2 * dims.E, 1, dims);

        // [B·H, T, T] scores; masked keys become -inf, so a fully masked row is NaN, as in ATen.
        var scores = MatmulKernels.Bmm(q, ShapeViews.Transpose(k, 1, 2, op), op);
        if (keep is not null) scores = AttentionMask.Apply(scores, keep);
        var probs = NormalizationKernels.Softmax(op, scores, -1, IValue.None, log: false);

        var context = MatmulKernels.Bmm(probs, v, op);
        var merged = AttentionHeads.Merge(context, dims);
        var projected = MatmulKernels.Linear(merged, w.ProjWeight, w.ProjBias);
        var output = ShapeViews.View(projected, [dims.B, dims.T, projected.Sizes[1]], op);
        if (!needWeights) return (output, null);
        var perHead = ShapeViews.View(probs, [dims.B, dims.H, dims.T, dims.T], op);
        return (output, average ? AttentionHeads.Average(perHead, dims) : perHead);
    }

    // (src, embed_dim, num_heads, qkv_weight, qkv_bias, proj_weight, proj_bias, use_gelu, norm_first,
    //  eps, norm_weight_1, norm_bias_1, norm_weight_2, norm_bias_2, ffn_weight_1, ffn_bias_1,
    //  ffn_weight_2, ffn_bias_2, mask?, mask_type?)
    private static Tensor EncoderLayer(ReadOnlySpan<IValue> i)
    {
        var src = i[0].AsTensor;
        long embedDim = i[1].AsInt, numHeads = i[2].AsInt;
        var w = new AttentionWeights(i[3].AsTensor, i[4].AsTensor, i[5].AsTensor, i[6].AsTensor);
        bool useGelu = i[7].AsBool, normFirst = i[8].AsBool;
        double eps = i[9].AsDouble;
        Tensor n1w = i[10].AsTensor, n1b = i[11].AsTensor, n2w = i[12].AsTensor, n2b = i[13].AsTensor;
        Tensor f1w = i[14].AsTensor, f1b = i[15].AsTensor, f2w = i[16].AsTensor, f2b = i[17].AsTensor;
        var mask = i[18].AsTensorOrNull;
        var maskType = OptInt(i[19]);

        // ATen returns a copy of an empty input before checking anything else.
        if (src.NumElements == 0) return ShapeCopy.ToContiguous(src, src.DType);
        var normShape = ShapeArgs.IntList([embedDim]);
        Tensor Norm(Tensor x, Tensor weight, Tensor bias) =>
            NormalizationKernels.LayerNorm(EncoderOp, x, normShape, weight, bias, eps).Output;

        var x = normFirst ? Norm(src, n1w, n1b) : src;
        x = MultiHeadAttention(EncoderOp, x, x, x, embedDim, numHeads, w, mask, needWeights: false, average: true, maskType).Output;
        x = AddInPlace(x, src);
        if (!normFirst) x = Norm(x, n1w, n1b);
        var residual = x;
        if (normFirst) x = Norm(x, n2w, n2b);
        var hidden = MatmulKernels.Linear(x, f1w, f1b);
        hidden = useGelu ? ActivationKernels.Gelu(hidden, "none") : ActivationKernels.Relu(hidden);
        x = AddInPlace(MatmulKernels.Linear(hidden, f2w, f2b), residual);
        return normFirst ? x : Norm(x, n2w, n2b);
    }

    /// <summary><paramref name="fresh"/> += <paramref name="addend"/>; fresh is a newly computed contiguous result.</summary>
    private static Tensor AddInPlace(Tensor fresh, Tensor addend)
    {
        if (!fresh.Sizes.SequenceEqual(addend.Sizes))
            throw new JitShapeException($"{EncoderOp}: the residual {ShapeUtil.Format(addend.Sizes)} does not match the block output {ShapeUtil.Format(fresh.Sizes)}");
        return ShapeEpilogue.AddScaled(fresh, addend, IValue.FromInt(1), IValue.FromInt(1), EncoderOp);
    }
}
