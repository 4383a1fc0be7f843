using System.Buffers;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Out.OutSupport;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// The out-variant of conv2d (batched, float32, numeric padding): im2col into a buffer rented from
/// the shared pool (so steady state allocates nothing), then each output row accumulates weight ×
/// column rows in the same order as the ordinary kernel's GEMM, and the bias is added last.
/// </summary>
internal static class OutConvKernels
{
    public static void Register(KernelTable t)
    {
        // conv2d(input, weight, bias?, stride, padding, dilation, groups)
        Add(t, "aten::conv2d", (i, o) => Conv2d(i[0].AsTensor, i[1].AsTensor, i[2].AsTensorOrNull, i[3], i[4], i[5], i[6].AsInt, o));
    }

    private static bool Conv2d(Tensor x, Tensor w, Tensor? bias, IValue stride, IValue padding, IValue dilation, long groups, Tensor y)
    {
        if (!IsF32(x) || !IsF32(w) || !IsF32(y) || x.Rank != 4 || w.Rank != 4 || y.Rank != 4 || groups <= 0) return false;
        long n = x.Sizes[0], c = x.Sizes[1], h = x.Sizes[2], wd = x.Sizes[3];
        long oc = w.Sizes[0], cg = w.Sizes[1], kh = w.Sizes[2], kw = w.Sizes[3];
        long sh = Int(stride, 0), sw = Int(stride, 1), ph = Int(padding, 0), pw = Int(padding, 1), dh = Int(dilation, 0), dw = Int(dilation, 1);
        if (c != cg * groups || oc % groups != 0 || !IsF32(bias, oc) || sh <= 0 || sw <= 0 || dh <= 0 || dw <= 0 || ph < 0 || pw < 0) return false;
        long oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (wd + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        if (y.Sizes[0] != n || y.Sizes[1] != oc || y.Sizes[2] != oh || y.Sizes[3] != ow) return false;
        long ocg = oc / groups, rows = cg * kh * kw, plane = oh * ow;
        if (rows * plane > int.MaxValue) return false;
        bool direct = kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0;
        var xs = F32(x);
        var ws = F32(w);
        var ys = F32(y);
        float[]? cols = direct ? null : ArrayPool<float>.Shared.Rent((int)(rows * plane));
        try
        {
            for (long b = 0; b < n; b++)
            {
                for (long g = 0; g < groups; g++)
                {
                    var input = xs.Slice((int)((b * c + g * cg) * h * wd), (int)(cg * h * wd));
                    ReadOnlySpan<float> colSpan;
                    if (direct)
                    {
                        colSpan = input;
                    }
                    else
                    {
                        var span = cols.AsSpan(0, (int)(rows * plane));
                        Im2Col(input, span, cg, h, wd, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
                        colSpan = span;
                    }
                    for (long o = 0; o < ocg; o++)
                    {
                        long ch = g * ocg + o;
                        var yr = ys.Slice((int)((b * oc + ch) * plane), (int)plane);
                        yr.Clear();
                        var wr = ws.Slice((int)(ch * rows), (int)rows);
                        for (int r = 0; r < wr.Length; r++)
                            if (wr[r] != 0) OutMatmulKernels.Axpy(wr[r], colSpan.Slice((int)(r * plane), (int)plane), yr);
                        if (bias is not null)
                        {
                            float bv = F32(bias)[(int)ch];
                            for (int j = 0; j < yr.Length; j++) yr[j] += bv;
                        }
                    }
                }
            }
        }
        finally
        {
            if (cols is not null) ArrayPool<float>.Shared.Return(cols);
        }
        return true;
    }

    /// <summary>cols [C·KH·KW, OH·OW]: row (c, i, j) holds the input pixels kernel tap (i, j) of channel c sees, zero in the padding.</summary>
    private static void Im2Col(ReadOnlySpan<float> x, Span<float> cols, long c, long h, long w, long kh, long kw,
        long sh, long sw, long ph, long pw, long dh, long dw, long oh, long ow)
    {
        long plane = oh * ow;
        for (long ch = 0; ch < c; ch++)
        {
            for (long i = 0; i < kh; i++)
            {
                for (long j = 0; j < kw; j++)
                {
                    var row = cols.Slice((int)(((ch * kh + i) * kw + j) * plane), (int)plane);
                    for (long oy = 0; oy < oh; oy++)
                    {
                        long iy = oy * sh - ph + i * dh;
                        var dst = row.Slice((int)(oy * ow), (int)ow);
                        if (iy < 0 || iy >= h)
                        {
                            dst.Clear();
                            continue;
                        }
                        long rowBase = (ch * h + iy) * w;
                        for (long ox = 0; ox < ow; ox++)
                        {
                            long ix = ox * sw - pw + j * dw;
                            dst[(int)ox] = ix < 0 || ix >= w ? 0 : x[(int)(rowBase + ix)];
                        }
                    }
                }
            }
        }
    }
}
