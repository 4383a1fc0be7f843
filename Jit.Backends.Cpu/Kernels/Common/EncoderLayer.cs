using System.Numerics;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// One <c>aten::_transformer_encoder_layer_fwd</c> call (PyTorch 1.13's fused
/// nn.TransformerEncoderLayer, ATen/native/transformers/transformer.cpp): self-attention, the
/// residual and layer norms around it, then the feed-forward block (linear, relu or exact gelu,
/// linear) and its residual; norm_first moves each norm in front of its block. Writes into a
/// given output, taking its temporaries from <see cref="AttentionWorkspace{T}"/>, so the
/// out-variant of a planned graph allocates nothing.
/// </summary>
internal readonly record struct EncoderLayer(
    Tensor Src, long EmbedDim, long NumHeads, AttentionWeights Attention, bool UseGelu, bool NormFirst, double Eps,
    Tensor Norm1Weight, Tensor Norm1Bias, Tensor Norm2Weight, Tensor Norm2Bias,
    Tensor Ffn1Weight, Tensor Ffn1Bias, Tensor Ffn2Weight, Tensor Ffn2Bias, Tensor? Mask, long? MaskType)
{
    private const string Op = "_transformer_encoder_layer_fwd";

    /// <summary>
    /// (src, embed_dim, num_heads, qkv_weight, qkv_bias, proj_weight, proj_bias, use_gelu, norm_first,
    /// eps, norm_weight_1, norm_bias_1, norm_weight_2, norm_bias_2, ffn_weight_1, ffn_bias_1,
    /// ffn_weight_2, ffn_bias_2, mask?, mask_type?)
    /// </summary>
    public static EncoderLayer Parse(ReadOnlySpan<IValue> i) => new(
        i[0].AsTensor, i[1].AsInt, i[2].AsInt, new AttentionWeights(i[3].AsTensor, i[4].AsTensor, i[5].AsTensor, i[6].AsTensor),
        i[7].AsBool, i[8].AsBool, i[9].AsDouble, i[10].AsTensor, i[11].AsTensor, i[12].AsTensor, i[13].AsTensor,
        i[14].AsTensor, i[15].AsTensor, i[16].AsTensor, i[17].AsTensor, i[18].AsTensorOrNull, i[19].IsNone ? null : i[19].AsInt);

    /// <summary>Computes the layer into <paramref name="output"/>, which has src's sizes (any dtype and layout).</summary>
    public void Run(Tensor output)
    {
        if (!output.Sizes.SequenceEqual(Src.Sizes))
            throw new JitShapeException($"{Op}: the output {ShapeUtil.Format(output.Sizes)} does not have the input's sizes {ShapeUtil.Format(Src.Sizes)}");
        // ATen returns a copy of an empty input before checking anything else.
        if (Src.NumElements == 0) return;
        var d = AttentionDims.Check(Op, Src, Src, Src, EmbedDim, NumHeads, Attention);
        var mask = AttentionMask.Of(Op, Mask, d, MaskType);
        long ffn = CheckFeedForward(d);
        var dtype = AttentionMath.ComputeType(Src.DType);
        var prepared = Prepared(dtype);
        // src is read again after the output is first written (the residual): never write over it.
        bool direct = output.DType == dtype && output.IsContiguous && !ReferenceEquals(output.Storage, Src.Storage);
        var y = direct ? output : Tensor.Empty(dtype, Src.Sizes);
        if (dtype == DType.Float64) prepared.Compute(d, mask, (int)ffn, y.ContiguousSpan<double>());
        else prepared.Compute(d, mask, (int)ffn, y.ContiguousSpan<float>());
        if (!direct) ShapeCopy.Copy(y, output);
    }

    /// <summary>Checks the norms' and feed-forward block's parameters; returns the hidden size.</summary>
    private long CheckFeedForward(AttentionDims d)
    {
        long e = d.E;
        if (Attention.ProjWeight.Sizes[0] != e)
            throw new JitShapeException($"{Op}: the residual [{e}] does not match the attention output [{Attention.ProjWeight.Sizes[0]}]");
        Affine("norm_weight_1", Norm1Weight, e);
        Affine("norm_bias_1", Norm1Bias, e);
        Affine("norm_weight_2", Norm2Weight, e);
        Affine("norm_bias_2", Norm2Bias, e);
        if (Ffn1Weight.Rank != 2 || Ffn1Weight.Sizes[1] != e)
            throw new JitShapeException($"{Op}: expected `ffn_weight_1` of shape [dim_feedforward, {e}], got {ShapeUtil.Format(Ffn1Weight.Sizes)}");
        long f = Ffn1Weight.Sizes[0];
        if (Ffn2Weight.Rank != 2 || Ffn2Weight.Sizes[0] != e || Ffn2Weight.Sizes[1] != f)
            throw new JitShapeException($"{Op}: expected `ffn_weight_2` of shape [{e}, {f}], got {ShapeUtil.Format(Ffn2Weight.Sizes)}");
        Affine("ffn_bias_1", Ffn1Bias, f);
        Affine("ffn_bias_2", Ffn2Bias, e);
        return f;
    }

    private void Affine(string name, Tensor t, long size)
    {
        AttentionDims.SameDType(Op, name, t, Src);
        if (t.NumElements != size)
            throw new JitShapeException($"{Op}: expected `{name}` of {size} elements, got {ShapeUtil.Format(t.Sizes)}");
    }

    /// <summary>Every tensor contiguous and of <paramref name="dtype"/> (copied only where it is not); the mask is read as it is.</summary>
    private EncoderLayer Prepared(DType dtype) => this with
    {
        Src = ShapeCopy.ToContiguous(Src, dtype), Attention = Attention.Prepared(dtype),
        Norm1Weight = ShapeCopy.ToContiguous(Norm1Weight, dtype), Norm1Bias = ShapeCopy.ToContiguous(Norm1Bias, dtype),
        Norm2Weight = ShapeCopy.ToContiguous(Norm2Weight, dtype), Norm2Bias = ShapeCopy.ToContiguous(Norm2Bias, dtype),
        Ffn1Weight = ShapeCopy.ToContiguous(Ffn1Weight, dtype), Ffn1Bias = ShapeCopy.ToContiguous(Ffn1Bias, dtype),
        Ffn2Weight = ShapeCopy.ToContiguous(Ffn2Weight, dtype), Ffn2Bias = ShapeCopy.ToContiguous(Ffn2Bias, dtype),
    };

    /// <summary>The layer over prepared operands into <paramref name="y"/> [B·T, E]; y doubles as the residual.</summary>
    private void Compute<T>(AttentionDims d, AttentionMask mask, int ffn, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = (int)(d.B * d.T), e = (int)d.E;
        long attention = AttentionMath.MultiHeadScratch(d);
        var scratch = AttentionWorkspace<T>.Take(attention + (long)rows * (e + ffn));
        var tmp = scratch.Slice((int)attention, rows * e);
        var hidden = scratch.Slice((int)attention + rows * e, rows * ffn);
        ReadOnlySpan<T> src = Src.ContiguousSpan<T>();
        ReadOnlySpan<T> n1w = Norm1Weight.ContiguousSpan<T>(), n1b = Norm1Bias.ContiguousSpan<T>();
        ReadOnlySpan<T> n2w = Norm2Weight.ContiguousSpan<T>(), n2b = Norm2Bias.ContiguousSpan<T>();

        ReadOnlySpan<T> x = src;
        if (NormFirst)
        {
            AttentionMath.LayerNorm(src, n1w, n1b, Eps, tmp);
            x = tmp;
        }
        AttentionMath.MultiHead(x, x, x, same: true, Attention, d, mask, scratch[..(int)attention], y, [], average: false);
        AttentionMath.AddInPlace(y, src);
        if (!NormFirst) AttentionMath.LayerNorm(y, n1w, n1b, Eps, y);
        // y is now the feed-forward block's residual.
        x = y;
        if (NormFirst)
        {
            AttentionMath.LayerNorm(y, n2w, n2b, Eps, tmp);
            x = tmp;
        }
        AttentionMath.Linear(x, rows, e, Ffn1Weight.ContiguousSpan<T>(), ffn, Ffn1Bias.ContiguousSpan<T>(), hidden, 0, ffn, relu: !UseGelu);
        if (UseGelu)
        {
            for (int j = 0; j < hidden.Length; j++)
                hidden[j] = T.CreateTruncating(ActivationKernels.GeluErf(double.CreateTruncating(hidden[j])));
        }
        AttentionMath.Linear(hidden, rows, ffn, Ffn2Weight.ContiguousSpan<T>(), e, Ffn2Bias.ContiguousSpan<T>(), tmp, 0, e);
        AttentionMath.AddInPlace(y, tmp);
        if (!NormFirst) AttentionMath.LayerNorm(y, n2w, n2b, Eps, y);
    }
}
