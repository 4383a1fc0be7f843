using System.Numerics;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The two products of one attention head, read in place from the packed [B·T, 3E] projection
/// (rows <c>ld</c> = 3E apart): scores = scale · q·kᵀ [T, T] and context = p·v [T, E/H]. Small
/// heads (short sequences, narrow heads) run as direct dot products and row updates, since a
/// packed GEMM call costs more than their whole product; larger ones run on <see cref="PackedGemm"/>.
/// Each path sums every element in a fixed order, so results depend on the shapes only.
/// </summary>
internal static class AttentionHeadProducts
{
    /// <summary>Products of at most this many multiply-adds skip the GEMM's packing.</summary>
    private const int DirectWork = 4096;

    public static void Scores<T>(ReadOnlySpan<T> qkv, long q, long k, int ld, int t, int dh, T scale, Span<T> scores)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (t * t * dh > DirectWork)
        {
            var g = new GemmArgs<T>
            {
                M = t, N = t, K = dh,
                A = qkv, ALayout = new GemmLayout(q, ld, 1),
                // B[c, j] is k[j, c]: keys read transposed in place.
                B = qkv, BLayout = new GemmLayout(k, 1, ld),
                C = scores, Ldc = t, Alpha = scale, Beta = T.Zero,
            };
            PackedGemm.RunAny(g, Kernels.CpuThreads.Count);
            return;
        }
        for (int i = 0; i < t; i++)
        {
            var qi = qkv.Slice((int)q + i * ld, dh);
            for (int j = 0; j < t; j++) scores[i * t + j] = scale * Dot(qi, qkv.Slice((int)k + j * ld, dh));
        }
    }

    /// <summary>context[cOffset + i·ldc + c] = Σ_j probs[i, j] · v[j, c].</summary>
    public static void Context<T>(ReadOnlySpan<T> probs, ReadOnlySpan<T> qkv, long v, int ld, int t, int dh, Span<T> context, long cOffset, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (t * t * dh > DirectWork)
        {
            var g = new GemmArgs<T>
            {
                M = t, N = dh, K = t,
                A = probs, ALayout = new GemmLayout(0, t, 1),
                B = qkv, BLayout = new GemmLayout(v, ld, 1),
                C = context, COffset = cOffset, Ldc = ldc, Alpha = T.One, Beta = T.Zero,
            };
            PackedGemm.RunAny(g, Kernels.CpuThreads.Count);
            return;
        }
        for (int i = 0; i < t; i++)
        {
            var row = context.Slice((int)cOffset + i * ldc, dh);
            row.Clear();
            for (int j = 0; j < t; j++) Axpy(probs[i * t + j], qkv.Slice((int)v + j * ld, dh), row);
        }
    }

    private static T Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector<T>.Count, c = 0;
        T s = T.Zero;
        if (a.Length >= w)
        {
            var acc = Vector<T>.Zero;
            for (; c + w <= a.Length; c += w) acc += new Vector<T>(a[c..]) * new Vector<T>(b[c..]);
            s = Vector.Sum(acc);
        }
        for (; c < a.Length; c++) s += a[c] * b[c];
        return s;
    }

    private static void Axpy<T>(T p, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Vector<T>.Count, c = 0;
        var pv = new Vector<T>(p);
        for (; c + w <= y.Length; c += w) (new Vector<T>(y[c..]) + pv * new Vector<T>(x[c..])).CopyTo(y[c..]);
        for (; c < y.Length; c++) y[c] += p * x[c];
    }
}
