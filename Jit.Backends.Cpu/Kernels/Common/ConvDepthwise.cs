using System.Numerics;
using System.Runtime.InteropServices;
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
    /// <summary>x [N, C, H, W] contiguous, w [C, 1, KH, KW] contiguous, output [N, C, OH, OW] fresh.</summary>
    public static void Run<T>(Tensor x, Tensor w, Tensor? bias, Tensor output, long[] stride, long[] pad, long[] dilation, bool relu, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = (int)x.Sizes[0], c = (int)x.Sizes[1];
        int planes = n * c;
        if (threads <= 1 || planes < 2 || output.NumElements < 1 << 14)
        {
            for (int p = 0; p < planes; p++) Plane<T>(x, w, bias, output, p, stride, pad, dilation, relu);
            return;
        }
        Parallel.For(0, planes, new ParallelOptions { MaxDegreeOfParallelism = threads },
            p => Plane<T>(x, w, bias, output, p, stride, pad, dilation, relu));
    }

    private static void Plane<T>(Tensor x, Tensor w, Tensor? bias, Tensor output, int plane, long[] stride, long[] pad, long[] dilation, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = (int)x.Sizes[1], h = (int)x.Sizes[2], wd = (int)x.Sizes[3];
        int kh = (int)w.Sizes[2], kw = (int)w.Sizes[3], oh = (int)output.Sizes[2], ow = (int)output.Sizes[3];
        int sh = (int)stride[0], sw = (int)stride[1], dh = (int)dilation[0], dw = (int)dilation[1];
        int ch = plane % c;
        var xs = MemoryMarshal.Cast<byte, T>(x.Storage.Bytes.Span).Slice((int)x.StorageOffset + plane * h * wd, h * wd);
        var ws = MemoryMarshal.Cast<byte, T>(w.Storage.Bytes.Span).Slice((int)w.StorageOffset + ch * kh * kw, kh * kw);
        var os = MemoryMarshal.Cast<byte, T>(output.Storage.Bytes.Span).Slice(plane * oh * ow, oh * ow);
        T b0 = bias is null ? T.Zero : MemoryMarshal.Cast<byte, T>(bias.Storage.Bytes.Span)[(int)bias.StorageOffset + ch];
        os.Fill(b0);
        for (int i = 0; i < kh; i++)
        {
            var (oy0, oy1) = Valid(i * dh - (int)pad[0], sh, h, oh);
            for (int j = 0; j < kw; j++)
            {
                var (ox0, ox1) = Valid(j * dw - (int)pad[2], sw, wd, ow);
                if (ox1 <= ox0) continue;
                T wv = ws[i * kw + j];
                for (int oy = oy0; oy < oy1; oy++)
                {
                    int iy = oy * sh + i * dh - (int)pad[0];
                    int ix0 = ox0 * sw + j * dw - (int)pad[2];
                    var dst = os.Slice(oy * ow + ox0, ox1 - ox0);
                    if (sw == 1) Axpy(wv, xs.Slice(iy * wd + ix0, dst.Length), dst);
                    else
                    {
                        var row = xs.Slice(iy * wd);
                        for (int o = 0; o < dst.Length; o++) dst[o] += wv * row[ix0 + o * sw];
                    }
                }
            }
        }
        if (relu)
            for (int o = 0; o < os.Length; o++) os[o] = T.Max(os[o], T.Zero);
    }

    private static void Axpy<T>(T a, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int v = Vector<T>.Count, o = 0;
        var av = new Vector<T>(a);
        for (; o + v <= y.Length; o += v)
            (new Vector<T>(y.Slice(o)) + av * new Vector<T>(x.Slice(o))).CopyTo(y.Slice(o));
        for (; o < y.Length; o++) y[o] += a * x[o];
    }

    /// <summary>Output positions o in [0, count) whose input position o·stride + shift lies in [0, size).</summary>
    public static (int From, int To) Valid(int shift, int stride, int size, int count)
    {
        int from = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
        int to = size - shift <= 0 ? 0 : Math.Min(count, (size - shift - 1) / stride + 1);
        return (from, Math.Max(from, to));
    }
}
