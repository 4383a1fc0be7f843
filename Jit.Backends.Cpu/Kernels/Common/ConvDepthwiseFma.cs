using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Float32 depthwise filters over <see cref="ConvDepthwise"/>'s phase-split plane with fused
/// multiply-adds (AVX2). 3x3, the common one, keeps its nine weights in registers; other sizes
/// (5x5, 7x7) read theirs from a table of broadcast vectors. At stride and dilation 1 two output
/// rows go together, sharing the loads of their common input rows ((KH + 1)·KW loads per 2·KH·KW
/// taps). The generic path broadcast each weight per output vector with separate multiply and add,
/// about 16 GFLOP/s. Each output is its bias, then the taps in row-major order, whether it is
/// computed alone, in a pair or in the row's tail.
/// </summary>
internal static class ConvDepthwiseFma
{
    private const int W = 8; // Vector256<float> lanes; the plane's margin is sized for Vector<float>, the same on AVX2

    /// <summary>The most taps the weight table holds on the stack (a 9x9 filter).</summary>
    private const int MaxTaps = 81;

    public static bool Applies(in Conv2dShape s) =>
        s.KH * s.KW <= MaxTaps && Fma.IsSupported && Vector256.IsHardwareAccelerated && System.Numerics.Vector<float>.Count == W;

    public static void Compute(in Conv2dShape s, in PhasePlane l, Span<float> work, ReadOnlySpan<float> ws, float bias, Span<float> os, bool relu)
    {
        if (s.KH == 3 && s.KW == 3) Compute3x3(s, l, work, ws, bias, os, relu);
        else ComputeAny(s, l, work, ws, bias, os, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeAny(in Conv2dShape s, in PhasePlane l, Span<float> work, ReadOnlySpan<float> ws, float bias, Span<float> os, bool relu)
    {
        int kh = s.KH, kw = s.KW;
        Span<Vector256<float>> weights = stackalloc Vector256<float>[kh * kw];
        for (int t = 0; t < weights.Length; t++) weights[t] = Vector256.Create(ws[t]);
        Span<int> columns = stackalloc int[kw];
        for (int j = 0; j < kw; j++) columns[j] = l.Column(j * s.DW);
        var b = Vector256.Create(bias);
        ref float src = ref MemoryMarshal.GetReference(work);
        ref var w0 = ref MemoryMarshal.GetReference(weights);
        ref int c0 = ref MemoryMarshal.GetReference(columns);
        int rowStep = s.DH * l.RowStride, ow = s.OW, oy = 0;
        if (s.SH == 1 && s.DH == 1)
        {
            for (; oy + 2 <= s.OH; oy += 2)
            {
                ref float r0 = ref Unsafe.Add(ref src, oy * l.RowStride);
                var top = os.Slice(oy * ow, ow);
                var bottom = os.Slice((oy + 1) * ow, ow);
                for (int ox = 0; ox < ow; ox += W)
                {
                    Vector256<float> a = b, c = b;
                    // Input row r feeds the top output row's filter row r and the bottom's r - 1.
                    for (int r = 0; r <= kh; r++)
                    {
                        ref float row = ref Unsafe.Add(ref r0, r * rowStep + ox);
                        for (int j = 0; j < kw; j++)
                        {
                            var x = Vector256.LoadUnsafe(ref row, (nuint)Unsafe.Add(ref c0, j));
                            if (r < kh) a = Fma.MultiplyAdd(Unsafe.Add(ref w0, r * kw + j), x, a);
                            if (r > 0) c = Fma.MultiplyAdd(Unsafe.Add(ref w0, (r - 1) * kw + j), x, c);
                        }
                    }
                    Store(a, top, ox, relu);
                    Store(c, bottom, ox, relu);
                }
            }
        }
        for (; oy < s.OH; oy++)
        {
            ref float r0 = ref Unsafe.Add(ref src, oy * s.SH * l.RowStride);
            var dst = os.Slice(oy * ow, ow);
            for (int ox = 0; ox < ow; ox += W)
            {
                var a = b;
                for (int i = 0; i < kh; i++)
                {
                    ref float row = ref Unsafe.Add(ref r0, i * rowStep + ox);
                    for (int j = 0; j < kw; j++)
                        a = Fma.MultiplyAdd(Unsafe.Add(ref w0, i * kw + j), Vector256.LoadUnsafe(ref row, (nuint)Unsafe.Add(ref c0, j)), a);
                }
                Store(a, dst, ox, relu);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compute3x3(in Conv2dShape s, in PhasePlane l, Span<float> work, ReadOnlySpan<float> ws, float bias, Span<float> os, bool relu)
    {
        var f = new Filter(ws, bias, l.Column(0), l.Column(s.DW), l.Column(2 * s.DW));
        ref float src = ref MemoryMarshal.GetReference(work);
        int rowStep = s.DH * l.RowStride, oy = 0;
        if (s.SH == 1 && s.DH == 1)
            for (; oy + 2 <= s.OH; oy += 2)
                RowPair(f, ref Unsafe.Add(ref src, oy * l.RowStride), rowStep, os.Slice(oy * s.OW, 2 * s.OW), s.OW, relu);
        for (; oy < s.OH; oy++)
            Row(f, ref Unsafe.Add(ref src, oy * s.SH * l.RowStride), rowStep, os.Slice(oy * s.OW, s.OW), relu);
    }

    private readonly struct Filter(ReadOnlySpan<float> w, float bias, int c0, int c1, int c2)
    {
        public readonly Vector256<float> W00 = Vector256.Create(w[0]), W01 = Vector256.Create(w[1]), W02 = Vector256.Create(w[2]);
        public readonly Vector256<float> W10 = Vector256.Create(w[3]), W11 = Vector256.Create(w[4]), W12 = Vector256.Create(w[5]);
        public readonly Vector256<float> W20 = Vector256.Create(w[6]), W21 = Vector256.Create(w[7]), W22 = Vector256.Create(w[8]);
        public readonly Vector256<float> Bias = Vector256.Create(bias);
        public readonly nuint C0 = (nuint)c0, C1 = (nuint)c1, C2 = (nuint)c2;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row(in Filter f, ref float r0, int rowStep, Span<float> dst, bool relu)
    {
        ref float r1 = ref Unsafe.Add(ref r0, rowStep);
        ref float r2 = ref Unsafe.Add(ref r1, rowStep);
        for (int ox = 0; ox < dst.Length; ox += W)
        {
            nuint o = (nuint)ox;
            var acc = Three(f.W00, f.W01, f.W02, ref r0, o, f, f.Bias);
            acc = Three(f.W10, f.W11, f.W12, ref r1, o, f, acc);
            acc = Three(f.W20, f.W21, f.W22, ref r2, o, f, acc);
            Store(acc, dst, ox, relu);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowPair(in Filter f, ref float r0, int rowStep, Span<float> dst, int ow, bool relu)
    {
        ref float r1 = ref Unsafe.Add(ref r0, rowStep);
        ref float r2 = ref Unsafe.Add(ref r1, rowStep);
        ref float r3 = ref Unsafe.Add(ref r2, rowStep);
        var top = dst[..ow];
        var bottom = dst[ow..];
        for (int ox = 0; ox < ow; ox += W)
        {
            nuint o = (nuint)ox;
            var x10 = Vector256.LoadUnsafe(ref r1, o + f.C0);
            var x11 = Vector256.LoadUnsafe(ref r1, o + f.C1);
            var x12 = Vector256.LoadUnsafe(ref r1, o + f.C2);
            var x20 = Vector256.LoadUnsafe(ref r2, o + f.C0);
            var x21 = Vector256.LoadUnsafe(ref r2, o + f.C1);
            var x22 = Vector256.LoadUnsafe(ref r2, o + f.C2);
            var a = Three(f.W00, f.W01, f.W02, ref r0, o, f, f.Bias);
            a = Fma.MultiplyAdd(f.W12, x12, Fma.MultiplyAdd(f.W11, x11, Fma.MultiplyAdd(f.W10, x10, a)));
            a = Fma.MultiplyAdd(f.W22, x22, Fma.MultiplyAdd(f.W21, x21, Fma.MultiplyAdd(f.W20, x20, a)));
            Store(a, top, ox, relu);
            var b = Fma.MultiplyAdd(f.W02, x12, Fma.MultiplyAdd(f.W01, x11, Fma.MultiplyAdd(f.W00, x10, f.Bias)));
            b = Fma.MultiplyAdd(f.W12, x22, Fma.MultiplyAdd(f.W11, x21, Fma.MultiplyAdd(f.W10, x20, b)));
            b = Three(f.W20, f.W21, f.W22, ref r3, o, f, b);
            Store(b, bottom, ox, relu);
        }
    }

    // acc + wa·x[c0] + wb·x[c1] + wc·x[c2], in that order, each a fused multiply-add.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Three(Vector256<float> wa, Vector256<float> wb, Vector256<float> wc, ref float row, nuint o, in Filter f, Vector256<float> acc)
    {
        acc = Fma.MultiplyAdd(wa, Vector256.LoadUnsafe(ref row, o + f.C0), acc);
        acc = Fma.MultiplyAdd(wb, Vector256.LoadUnsafe(ref row, o + f.C1), acc);
        return Fma.MultiplyAdd(wc, Vector256.LoadUnsafe(ref row, o + f.C2), acc);
    }

    // "v < 0 ? 0 : v" as the relu kernel (NaN and -0 stay); a row's last, partial vector stores only its outputs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<float> acc, Span<float> dst, int ox, bool relu)
    {
        if (relu) acc = Vector256.ConditionalSelect(Vector256.LessThan(acc, Vector256<float>.Zero), Vector256<float>.Zero, acc);
        if (ox + W <= dst.Length)
        {
            acc.StoreUnsafe(ref MemoryMarshal.GetReference(dst), (nuint)ox);
            return;
        }
        for (int k = 0; ox + k < dst.Length; k++) dst[ox + k] = acc.GetElement(k);
    }
}
