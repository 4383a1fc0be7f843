using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The common depthwise filter, 3x3 float32, over <see cref="ConvDepthwise"/>'s phase-split
/// plane: the nine weights stay in registers, taps are fused multiply-adds, and at stride and
/// dilation 1 two output rows go together, sharing the loads of their two common input rows
/// (12 loads per 18 taps instead of 18). The generic path broadcast each weight and looped over
/// filter rows per output vector, about 16 GFLOP/s. Each output is its bias, then the taps in
/// row-major order, whether it is computed alone, in a pair or in the row's tail.
/// </summary>
internal static class ConvDepthwise3x3
{
    private const int W = 8; // Vector256<float> lanes; the plane's margin is sized for Vector<float>, the same on AVX2

    public static bool Applies(in Conv2dShape s) =>
        s.KH == 3 && s.KW == 3 && Fma.IsSupported && Vector256.IsHardwareAccelerated && System.Numerics.Vector<float>.Count == W;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute(in Conv2dShape s, in PhasePlane l, Span<float> work, ReadOnlySpan<float> ws, float bias, Span<float> os, bool relu)
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
