using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// PyTorch 1.13's fused inference paths of nn.MultiheadAttention and nn.TransformerEncoderLayer
/// (<c>aten::_native_multi_head_attention</c>, <c>aten::_transformer_encoder_layer_fwd</c>,
/// ATen/native/transformers/{attention,transformer}.cpp), batch-first dense tensors only.
/// The steps follow ATen's: one projection by qkv_weight, bias added, q·kᵀ scaled by
/// 1/sqrt(head_dim), a masked softmax over the keys, the context merged back to [B, T, E] and
/// projected; the encoder adds the residuals and layer norms around it (<see cref="EncoderLayer"/>).
/// The math is <see cref="AttentionMath"/>'s; only the outputs are allocated.
/// </summary>
internal static class AttentionKernels
{
    private const string MhaOp = "_native_multi_head_attention";

    public static void Register(KernelTable t)
    {
        // (query, key, value, embed_dim, num_head, qkv_weight, qkv_bias, proj_weight, proj_bias,
        //  mask?, need_weights, average_attn_weights, mask_type?)
        t.Add("aten::_native_multi_head_attention", (i, o) =>
        {
            var w = new AttentionWeights(i[5].AsTensor, i[6].AsTensor, i[7].AsTensor, i[8].AsTensor);
            var (output, weights) = MultiHeadAttention(MhaOp, i[0].AsTensor, i[1].AsTensor, i[2].AsTensor,
                i[3].AsInt, i[4].AsInt, w, i[9].AsTensorOrNull, i[10].AsBool, i[11].AsBool, i[12].IsNone ? null : i[12].AsInt);
            o[0] = output;
            // need_weights=False leaves the second output undefined, which TorchScript sees as None.
            o[1] = weights is null ? IValue.None : IValue.FromTensor(weights);
        });
        t.Add("aten::_transformer_encoder_layer_fwd", (i, o) =>
        {
            var layer = EncoderLayer.Parse(i);
            var output = Tensor.Empty(layer.Src.DType, layer.Src.Sizes);
            layer.Run(output);
            o[0] = output;
        });
    }

    /// <summary>Returns the projected attention [B, T, E'] and the weights (null unless need_weights).</summary>
    internal static (Tensor Output, Tensor? Weights) MultiHeadAttention(string op, Tensor query, Tensor key, Tensor value,
        long embedDim, long numHeads, AttentionWeights w, Tensor? mask, bool needWeights, bool average, long? maskType)
    {
        var d = AttentionDims.Check(op, query, key, value, embedDim, numHeads, w);
        if (query.NumElements == 0) return (Tensor.Empty(query.DType, query.Sizes), null);
        var keep = AttentionMask.Of(op, mask, d, maskType);
        bool same = ReferenceEquals(query, key) && ReferenceEquals(key, value);
        var dtype = AttentionMath.ComputeType(query.DType);
        var output = Tensor.Empty(dtype, d.B, d.T, w.ProjWeight.Sizes[0]);
        var weights = !needWeights ? null : average ? Tensor.Empty(dtype, d.B, d.T, d.T) : Tensor.Empty(dtype, d.B, d.H, d.T, d.T);
        var q = ShapeCopy.ToContiguous(query, dtype);
        var k = same ? q : ShapeCopy.ToContiguous(key, dtype);
        var v = same ? q : ShapeCopy.ToContiguous(value, dtype);
        var pw = w.Prepared(dtype);
        if (dtype == DType.Float64)
            AttentionMath.MultiHead<double>(q.ContiguousSpan<double>(), k.ContiguousSpan<double>(), v.ContiguousSpan<double>(), same, pw, d, keep,
                AttentionWorkspace<double>.Take(AttentionMath.MultiHeadScratch(d)), output.ContiguousSpan<double>(),
                weights is null ? [] : weights.ContiguousSpan<double>(), average);
        else
            AttentionMath.MultiHead<float>(q.ContiguousSpan<float>(), k.ContiguousSpan<float>(), v.ContiguousSpan<float>(), same, pw, d, keep,
                AttentionWorkspace<float>.Take(AttentionMath.MultiHeadScratch(d)), output.ContiguousSpan<float>(),
                weights is null ? [] : weights.ContiguousSpan<float>(), average);
        return (ShapeCopy.ToContiguous(output, query.DType), weights is null ? null : ShapeCopy.ToContiguous(weights, query.DType));
    }
}
