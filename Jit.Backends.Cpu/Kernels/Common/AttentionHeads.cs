using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>Moving attention tensors between [B, T, E] and per-head [B·H, T, E/H] layouts.</summary>
internal static class AttentionHeads
{
    /// <summary>
    /// (proj + bias[offset..offset+E]) · scale, split into heads: [B, T, E] → [B·H, T, E/H]
    /// (ATen's transform_bias_rescale_qkv; scale is 1/sqrt(E/H) for q, 1 for k and v).
    /// </summary>
    public static Tensor Split(Tensor proj, double[] bias, long offset, double scale, AttentionDims d)
    {
        var v = StridedMathCopy.GatherDouble(proj, proj.Sizes);
        var r = new double[v.Length];
        long dh = d.HeadDim;
        for (long b = 0; b < d.B; b++)
        {
            for (long t = 0; t < d.T; t++)
            {
                long src = (b * d.T + t) * d.E;
                for (long e = 0; e < d.E; e++)
                {
                    long h = e / dh;
                    r[((b * d.H + h) * d.T + t) * dh + e % dh] = (v[src + e] + bias[offset + e]) * scale;
                }
            }
        }
        return StridedMathCopy.ToTensor(r, proj.DType, [d.B * d.H, d.T, dh]);
    }

    /// <summary>[B·H, T, E/H] → [B·T, E] (ATen's transform_0213), ready for the output projection.</summary>
    public static Tensor Merge(Tensor context, AttentionDims d)
    {
        const string op = "transform_0213";
        var perHead = ShapeViews.View(context, [d.B, d.H, d.T, d.HeadDim], op);
        return ShapeViews.Reshape(ShapeViews.Permute(perHead, [0, 2, 1, 3], op), [d.B * d.T, d.E], op);
    }

    /// <summary>Head-averaged weights [B, T, T] from per-head ones [B, H, T, T]: the sum over heads, divided by H.</summary>
    public static Tensor Average(Tensor perHead, AttentionDims d)
    {
        var p = StridedMathCopy.GatherDouble(perHead, perHead.Sizes);
        long tt = d.T * d.T;
        var r = new double[d.B * tt];
        for (long b = 0; b < d.B; b++)
        {
            for (long h = 0; h < d.H; h++)
            {
                long src = (b * d.H + h) * tt;
                for (long j = 0; j < tt; j++) r[b * tt + j] += p[src + j];
            }
        }
        for (long j = 0; j < r.Length; j++) r[j] /= d.H;
        return StridedMathCopy.ToTensor(r, perHead.DType, [d.B, d.T, d.T]);
    }
}
