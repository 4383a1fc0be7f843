using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Out.OutSupport;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// Out-variants of max_pool2d, avg_pool2d and adaptive_avg_pool2d on batched float32 input. The
/// output sizes come from the destination (shape analysis computed them, ceil_mode included);
/// windows, NaN propagation and divisors follow the ordinary kernels, accumulating in float32.
/// </summary>
internal static class OutPoolKernels
{
    public static void Register(KernelTable t)
    {
        // max_pool2d(self, kernel_size, stride, padding, dilation, ceil_mode)
        Add(t, "aten::max_pool2d", (i, o) => Window(i[0].AsTensor, i[1], i[2], i[3], o, out var g)
            && Dilation(i[4], ref g) && MaxPool(i[0].AsTensor, g, o));
        // avg_pool2d(self, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
        Add(t, "aten::avg_pool2d", (i, o) => (i[6].IsNone || i[6].AsInt != 0) && Window(i[0].AsTensor, i[1], i[2], i[3], o, out var g)
            && AvgPool(i[0].AsTensor, g, i[5].AsBool, i[6].IsNone ? 0 : i[6].AsInt, o));
        Add(t, "aten::adaptive_avg_pool2d", (i, o) => Adaptive(i[0].AsTensor, o));
    }

    private record struct Geometry(long KH, long KW, long SH, long SW, long PH, long PW, long DH, long DW);

    private static bool Window(Tensor x, IValue kernel, IValue stride, IValue padding, Tensor y, out Geometry g)
    {
        g = default;
        if (!IsF32(x) || !IsF32(y) || x.Rank != 4 || y.Rank != 4 || x.Sizes[0] != y.Sizes[0] || x.Sizes[1] != y.Sizes[1]) return false;
        bool noStride = stride.IsList && stride.AsList.Count == 0;
        g = new Geometry(Int(kernel, 0), Int(kernel, 1), noStride ? Int(kernel, 0) : Int(stride, 0), noStride ? Int(kernel, 1) : Int(stride, 1),
            Int(padding, 0), Int(padding, 1), 1, 1);
        return g.KH > 0 && g.KW > 0 && g.SH > 0 && g.SW > 0 && g.PH >= 0 && g.PW >= 0 && g.PH <= g.KH / 2 && g.PW <= g.KW / 2;
    }

    private static bool Dilation(IValue dilation, ref Geometry g)
    {
        g.DH = Int(dilation, 0);
        g.DW = Int(dilation, 1);
        return g.DH > 0 && g.DW > 0;
    }

    // NaN wins (v > m fails for it, IsNaN catches it) and, once the maximum, stays: PyTorch's rule.
    private static unsafe bool MaxPool(Tensor x, Geometry g, Tensor y)
    {
        long h = x.Sizes[2], w = x.Sizes[3], oh = y.Sizes[2], ow = y.Sizes[3];
        long planes = x.Sizes[0] * x.Sizes[1];
        fixed (float* xs = F32(x), ys = F32(y))
        {
            if (g is { KH: 2, KW: 2, SH: 2, SW: 2, PH: 0, PW: 0, DH: 1, DW: 1 } && Sse.IsSupported && oh * 2 <= h && ow * 2 <= w)
            {
                for (long p = 0; p < planes * oh; p++)
                    MaxPool2x2Row(xs + (p / oh * h + p % oh * 2) * w, w, ys + p * ow, (int)ow);
                return true;
            }
            for (long p = 0; p < planes; p++)
            {
                float* src = xs + p * h * w, dst = ys + p * oh * ow;
                for (long oy = 0; oy < oh; oy++)
                {
                    var (y0, y1) = MaxPoolWindow.Taps(oy, g.SH, g.PH, g.KH, g.DH, h);
                    for (long ox = 0; ox < ow; ox++)
                    {
                        var (x0, x1) = MaxPoolWindow.Taps(ox, g.SW, g.PW, g.KW, g.DW, w);
                        float m = float.NegativeInfinity;
                        for (long yy = y0; yy < y1; yy += g.DH)
                        {
                            float* row = src + yy * w;
                            for (long xx = x0; xx < x1; xx += g.DW)
                            {
                                float v = row[xx];
                                if (v > m || float.IsNaN(v)) m = v;
                            }
                        }
                        dst[oy * ow + ox] = m;
                    }
                }
            }
        }
        return true;
    }

    /// <summary>
    /// One output row of the 2x2, stride-2 window over input rows r and r + 1, four outputs per
    /// step: the even and odd columns of each row deinterleaved, then visited in the window's
    /// order (r even, r odd, r+1 even, r+1 odd) with the scalar loop's update rule in every lane.
    /// </summary>
    private static unsafe void MaxPool2x2Row(float* top, long w, float* dst, int ow)
    {
        float* bottom = top + w;
        int o = 0;
        for (; o + 4 <= ow; o += 4)
        {
            var t0 = Sse.LoadVector128(top + 2 * o);
            var t1 = Sse.LoadVector128(top + 2 * o + 4);
            var b0 = Sse.LoadVector128(bottom + 2 * o);
            var b1 = Sse.LoadVector128(bottom + 2 * o + 4);
            var m = Sse.Shuffle(t0, t1, 0b10_00_10_00);
            m = NanMax(m, Sse.Shuffle(t0, t1, 0b11_01_11_01));
            m = NanMax(m, Sse.Shuffle(b0, b1, 0b10_00_10_00));
            m = NanMax(m, Sse.Shuffle(b0, b1, 0b11_01_11_01));
            Sse.Store(dst + o, m);
        }
        for (; o < ow; o++)
        {
            float m = top[2 * o];
            foreach (float v in (ReadOnlySpan<float>)[top[2 * o + 1], bottom[2 * o], bottom[2 * o + 1]])
                if (v > m || float.IsNaN(v)) m = v;
            dst[o] = m;
        }
    }

    private static Vector128<float> NanMax(Vector128<float> m, Vector128<float> v) =>
        Vector128.ConditionalSelect(Vector128.GreaterThan(v, m) | ~Vector128.Equals(v, v), v, m);

    private static bool AvgPool(Tensor x, Geometry g, bool includePad, long divisor, Tensor y)
    {
        long h = x.Sizes[2], w = x.Sizes[3], oh = y.Sizes[2], ow = y.Sizes[3];
        var xs = F32(x);
        var ys = F32(y);
        long planes = x.Sizes[0] * x.Sizes[1];
        for (long p = 0; p < planes; p++)
        {
            var src = xs.Slice((int)(p * h * w), (int)(h * w));
            var dst = ys.Slice((int)(p * oh * ow), (int)(oh * ow));
            for (long oy = 0; oy < oh; oy++)
            {
                for (long ox = 0; ox < ow; ox++)
                {
                    var win = AvgPoolWindow.At(oy, ox, g.SH, g.SW, g.PH, g.PW, g.KH, g.KW, h, w);
                    if (win.IsEmpty)
                    {
                        dst[(int)(oy * ow + ox)] = 0;
                        continue;
                    }
                    float sum = 0;
                    for (long yy = win.Y0; yy < win.Y1; yy++)
                        for (long xx = win.X0; xx < win.X1; xx++) sum += src[(int)(yy * w + xx)];
                    dst[(int)(oy * ow + ox)] = sum / win.Divisor(divisor != 0 ? divisor : null, includePad);
                }
            }
        }
        return true;
    }

    private static bool Adaptive(Tensor x, Tensor y)
    {
        if (!IsF32(x) || !IsF32(y) || x.Rank != 4 || y.Rank != 4 || x.Sizes[0] != y.Sizes[0] || x.Sizes[1] != y.Sizes[1]) return false;
        long h = x.Sizes[2], w = x.Sizes[3], oh = y.Sizes[2], ow = y.Sizes[3];
        var xs = F32(x);
        var ys = F32(y);
        long planes = x.Sizes[0] * x.Sizes[1];
        for (long p = 0; p < planes; p++)
        {
            var src = xs.Slice((int)(p * h * w), (int)(h * w));
            var dst = ys.Slice((int)(p * oh * ow), (int)(oh * ow));
            for (long oy = 0; oy < oh; oy++)
            {
                long y0 = oy * h / oh, y1 = ((oy + 1) * h + oh - 1) / oh;
                for (long ox = 0; ox < ow; ox++)
                {
                    long x0 = ox * w / ow, x1 = ((ox + 1) * w + ow - 1) / ow;
                    float acc = 0;
                    for (long yy = y0; yy < y1; yy++)
                        for (long xx = x0; xx < x1; xx++) acc += src[(int)(yy * w + xx)];
                    dst[(int)(oy * ow + ox)] = acc / (float)((y1 - y0) * (x1 - x0));
                }
            }
        }
        return true;
    }
}
