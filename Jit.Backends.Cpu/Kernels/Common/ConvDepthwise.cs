using System.Numerics;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Depthwise conv2d (groups == channels, one filter per channel) computed directly: an im2col
/// GEMM would multiply a 1 x KH·KW row by a KH·KW x plane matrix per channel, all overhead.
/// Each output plane starts at its bias and gains one tap at a time over the output rectangle
/// where that tap lands inside the input, so no padding checks run in the inner loop; with unit
/// horizontal stride the row update is a vector axpy. Planes are split across threads.
/// </summary>
internal static class ConvDepthwise
{
    /// <summary>x, w [C, 1, KH, KW], bias and y contiguous; y is overwritten.</summary>
    public static void Run<T>(in Conv2dShape s, Tensor x, Tensor w, Tensor? bias, Tensor y, bool relu, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int planes = s.N * s.C;
        if (threads <= 1 || planes < 2 || (long)planes * s.Plane < 1 << 14)
        {
            for (int p = 0; p < planes; p++) Plane<T>(s, x, w, bias, y, p, relu);
            return;
        }
        RunParallel<T>(s, x, w, bias, y, relu, threads);
    }

    // Apart so the closure is allocated only when threads are used.
    private static void RunParallel<T>(Conv2dShape s, Tensor x, Tensor w, Tensor? bias, Tensor y, bool relu, int threads)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Parallel.For(0, s.N * s.C, new ParallelOptions { MaxDegreeOfParallelism = threads }, p => Plane<T>(s, x, w, bias, y, p, relu));

    private static void Plane<T>(in Conv2dShape s, Tensor x, Tensor w, Tensor? bias, Tensor y, int plane, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = s.H, wd = s.W, kh = s.KH, kw = s.KW, ow = s.OW;
        int ch = plane % s.C;
        var xs = x.ContiguousSpan<T>().Slice(plane * h * wd, h * wd);
        var ws = w.ContiguousSpan<T>().Slice(ch * kh * kw, kh * kw);
        var os = y.ContiguousSpan<T>().Slice(plane * s.Plane, s.Plane);
        os.Fill(bias is null ? T.Zero : bias.ContiguousSpan<T>()[ch]);
        for (int i = 0; i < kh; i++)
        {
            int shiftY = i * s.DH - s.PadTop;
            var (oy0, oy1) = Conv2dShape.ValidOutputs(shiftY, s.SH, h, s.OH);
            for (int j = 0; j < kw; j++)
            {
                int shiftX = j * s.DW - s.PadLeft;
                var (ox0, ox1) = Conv2dShape.ValidOutputs(shiftX, s.SW, wd, ow);
                if (ox1 <= ox0) continue;
                T wv = ws[i * kw + j];
                for (int oy = oy0; oy < oy1; oy++)
                {
                    int iy = oy * s.SH + shiftY;
                    int ix0 = ox0 * s.SW + shiftX;
                    var dst = os.Slice(oy * ow + ox0, ox1 - ox0);
                    if (s.SW == 1) Axpy(wv, xs.Slice(iy * wd + ix0, dst.Length), dst);
                    else
                    {
                        var row = xs.Slice(iy * wd);
                        for (int o = 0; o < dst.Length; o++) dst[o] += wv * row[ix0 + o * s.SW];
                    }
                }
            }
        }
        // "v < 0 ? 0 : v", as the relu kernel and the GEMM epilogue: NaN and -0 stay.
        if (relu)
            for (int o = 0; o < os.Length; o++)
                if (os[o] < T.Zero) os[o] = T.Zero;
    }

    private static void Axpy<T>(T a, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int v = Vector<T>.Count, o = 0;
        var av = new Vector<T>(a);
        for (; o + v <= y.Length; o += v)
            (new Vector<T>(y.Slice(o)) + av * new Vector<T>(x.Slice(o))).CopyTo(y.Slice(o));
        for (; o < y.Length; o++) y[o] += a * x[o];
    }
}
