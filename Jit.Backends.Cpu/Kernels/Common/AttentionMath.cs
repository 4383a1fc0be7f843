using System.Numerics;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The steps of the fused attention kernels over contiguous row-major spans (rows are the B·T
/// tokens), allocation-free: projections on <see cref="PackedGemm"/> with their bias (and relu)
/// in its epilogue; each head read in place from the packed [B·T, 3E] q/k/v projection and
/// written in place into the merged [B·T, E] context (<see cref="AttentionHeadProducts"/>),
/// instead of ATen's split and merged copies.
/// </summary>
internal static class AttentionMath
{
    /// <summary>
    /// The dtype the math runs in: float32 and float64 as given, other floating types (half,
    /// bfloat16) in float32, converted on the way in and out.
    /// </summary>
    public static DType ComputeType(DType dtype) => dtype == DType.Float64 ? DType.Float64 : DType.Float32;

    /// <summary>Scratch elements <see cref="MultiHead"/> needs: the [B·T, 3E] projection, one head's [T, T] scores, the [B·T, E] context.</summary>
    public static long MultiHeadScratch(AttentionDims d) => d.B * d.T * 4 * d.E + d.T * d.T;

    /// <summary>
    /// native_multi_head_attention on prepared operands: projection, attention, the merged context
    /// projected by proj_weight and proj_bias into <paramref name="output"/> [B·T, E'].
    /// </summary>
    public static void MultiHead<T>(ReadOnlySpan<T> query, ReadOnlySpan<T> key, ReadOnlySpan<T> value, bool same, AttentionWeights w,
        AttentionDims d, AttentionMask mask, Span<T> scratch, Span<T> output, Span<T> weights, bool average)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = (int)(d.B * d.T), e = (int)d.E, outs = (int)w.ProjWeight.Sizes[0];
        var qkv = scratch[..(rows * 3 * e)];
        var context = scratch.Slice(rows * 3 * e, rows * e);
        var scores = scratch.Slice(rows * 4 * e, (int)(d.T * d.T));
        Project<T>(query, key, value, same, w.QkvWeight.ContiguousSpan<T>(), w.QkvBias.ContiguousSpan<T>(), d, qkv);
        Attend<T>(qkv, d, mask, scores, context, weights, average);
        Linear<T>(context, rows, e, w.ProjWeight.ContiguousSpan<T>(), outs, w.ProjBias.ContiguousSpan<T>(), output, 0, outs);
    }

    /// <summary>
    /// y[m, n] = x[m, :k] · w[n, :k] + bias[n] (relu after, if asked), for m &lt; rows, n &lt; outs:
    /// a linear layer, with y's rows <paramref name="ldy"/> apart from <paramref name="yOffset"/>.
    /// </summary>
    public static void Linear<T>(ReadOnlySpan<T> x, int rows, int k, ReadOnlySpan<T> w, int outs, ReadOnlySpan<T> bias,
        Span<T> y, long yOffset, long ldy, bool relu = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var g = new GemmArgs<T>
        {
            M = rows, N = outs, K = k,
            A = x, ALayout = new GemmLayout(0, k, 1),
            // B[k, n] is w[n, k]: the weight is read in place, transposed by its strides.
            B = w, BLayout = new GemmLayout(0, 1, k),
            C = y, COffset = yOffset, Ldc = ldy,
            Alpha = T.One, Beta = T.Zero, ColBias = bias, Relu = relu,
        };
        PackedGemm.RunAny(g, Kernels.CpuThreads.Count);
    }

    /// <summary>
    /// The q, k and v projections of [B·T, E] inputs into <paramref name="qkv"/> [B·T, 3E], bias
    /// added: one product when query, key and value are the same (self-attention, ATen's
    /// qkv_projection), otherwise each by its third of the weight and bias.
    /// </summary>
    public static void Project<T>(ReadOnlySpan<T> query, ReadOnlySpan<T> key, ReadOnlySpan<T> value, bool same,
        ReadOnlySpan<T> qkvWeight, ReadOnlySpan<T> qkvBias, AttentionDims d, Span<T> qkv) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = (int)(d.B * d.T), e = (int)d.E;
        if (same)
        {
            Linear(query, rows, e, qkvWeight, 3 * e, qkvBias, qkv, 0, 3 * e);
            return;
        }
        Linear(query, rows, e, qkvWeight[..(e * e)], e, qkvBias[..e], qkv, 0, 3 * e);
        Linear(key, rows, e, qkvWeight.Slice(e * e, e * e), e, qkvBias.Slice(e, e), qkv, e, 3 * e);
        Linear(value, rows, e, qkvWeight.Slice(2 * e * e, e * e), e, qkvBias.Slice(2 * e, e), qkv, 2 * e, 3 * e);
    }

    /// <summary>
    /// Per batch and head, softmax(q·kᵀ / sqrt(E/H), masked keys at -inf) · v, written into that
    /// head's columns of <paramref name="context"/> [B·T, E] (ATen's transform_0213 done by the
    /// store). <paramref name="scores"/> holds one head's [T, T]. Non-empty <paramref name="weights"/>
    /// receives the probabilities, [B, H, T, T], or [B, T, T] averaged over heads.
    /// </summary>
    public static void Attend<T>(ReadOnlySpan<T> qkv, AttentionDims d, AttentionMask mask, Span<T> scores, Span<T> context,
        Span<T> weights, bool average) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int t = (int)d.T, e = (int)d.E, dh = (int)d.HeadDim, tt = t * t;
        var scale = T.CreateTruncating(1 / Math.Sqrt(dh));
        if (average) weights.Clear();
        for (int b = 0; b < d.B; b++)
        {
            for (int h = 0; h < d.H; h++)
            {
                long q = (long)b * t * 3 * e + h * dh;
                AttentionHeadProducts.Scores(qkv, q, q + e, 3 * e, t, dh, scale, scores);
                mask.Apply(scores, b, h, t);
                for (int i = 0; i < t; i++) NormRows.Softmax<T>(scores, scores, i * t, t, 1, log: false);
                if (!weights.IsEmpty) Keep(scores[..tt], weights, b, h, d, average);
                AttentionHeadProducts.Context<T>(scores, qkv, q + 2 * e, 3 * e, t, dh, context, (long)b * t * e + h * dh, e);
            }
        }
        if (!average) return;
        var heads = T.CreateTruncating(d.H);
        for (int i = 0; i < weights.Length; i++) weights[i] /= heads;
    }

    private static void Keep<T>(ReadOnlySpan<T> probs, Span<T> weights, int b, int h, AttentionDims d, bool average)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int tt = probs.Length;
        if (!average)
        {
            probs.CopyTo(weights.Slice((int)((b * d.H + h) * tt), tt));
            return;
        }
        var sum = weights.Slice(b * tt, tt);
        for (int j = 0; j < tt; j++) sum[j] += probs[j];
    }

    /// <summary>y += x, elementwise over equal lengths (the residual connections).</summary>
    public static void AddInPlace<T>(Span<T> y, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector<T>.Count, j = 0;
        for (; j + w <= y.Length; j += w) (new Vector<T>(y[j..]) + new Vector<T>(x[j..])).CopyTo(y[j..]);
        for (; j < y.Length; j++) y[j] += x[j];
    }

    /// <summary>Layer norm of every row of <paramref name="x"/> ([rows, n], n the weight's length) into <paramref name="y"/>.</summary>
    public static void LayerNorm<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, double eps, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = weight.Length;
        for (int r = 0; r < x.Length; r += n) NormRows.LayerNorm(x.Slice(r, n), weight, bias, eps, y.Slice(r, n));
    }
}
