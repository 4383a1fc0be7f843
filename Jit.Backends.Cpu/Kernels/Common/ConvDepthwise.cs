using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Depthwise conv2d (groups == channels, one filter per channel) computed directly: an im2col
/// GEMM would multiply a 1 x KH·KW row by a KH·KW x plane matrix per channel, all overhead.
/// Each input plane is first copied into a zero-bordered workspace, its columns split by phase
/// (column mod the horizontal stride), so that every tap of a vector of adjacent outputs is one
/// contiguous load whatever the stride, dilation or padding, with no bounds checks. Then each
/// vector of outputs is its bias plus one tap at a time, in tap order, kept in a register and
/// stored once. Every output, the row tails too (computed as a full vector over the workspace's
/// zero margin), goes through the same arithmetic. Planes are split across threads.
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

    /// <summary>
    /// The workspace's layout for one plane: padded rows, each split into <c>SW</c> phases of
    /// <see cref="PhaseWidth"/> columns (phase q holds padded columns q, q + SW, q + 2·SW, …).
    /// </summary>
    private readonly struct Layout
    {
        public readonly int Rows, PhaseWidth, RowStride;

        public Layout(in Conv2dShape s)
        {
            // Output ox reads padded column ox·SW + j·DW, i.e. phase (j·DW) % SW at (j·DW) / SW + ox;
            // a vector starting at the last output reads one vector past it, hence the margin.
            Rows = (s.OH - 1) * s.SH + (s.KH - 1) * s.DH + 1;
            PhaseWidth = (s.KW - 1) * s.DW / s.SW + RoundUp(s.OW, Vector<float>.Count) + 1;
            RowStride = PhaseWidth * s.SW;
        }

        public int Size => Rows * RowStride;

        private static int RoundUp(int n, int m) => (n + m - 1) / m * m;
    }

    private static void Plane<T>(in Conv2dShape s, Tensor x, Tensor w, Tensor? bias, Tensor y, int plane, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ch = plane % s.C;
        var layout = new Layout(s);
        var work = Workspace<T>.Get(layout.Size);
        Fill(s, layout, x.ContiguousSpan<T>().Slice(plane * s.H * s.W, s.H * s.W), work);
        var ws = w.ContiguousSpan<T>().Slice(ch * s.KH * s.KW, s.KH * s.KW);
        var os = y.ContiguousSpan<T>().Slice(plane * s.Plane, s.Plane);
        Compute(s, layout, work, ws, bias is null ? T.Zero : bias.ContiguousSpan<T>()[ch], os, relu);
    }

    // The plane with its padding made explicit (zeros), columns grouped by phase.
    private static void Fill<T>(in Conv2dShape s, in Layout l, ReadOnlySpan<T> xs, Span<T> work) where T : unmanaged
    {
        work[..l.Size].Clear();
        for (int r = 0; r < l.Rows; r++)
        {
            int iy = r - s.PadTop;
            if ((uint)iy >= (uint)s.H) continue;
            var src = xs.Slice(iy * s.W, s.W);
            var dst = work.Slice(r * l.RowStride, l.RowStride);
            if (s.SW == 1)
            {
                int to = Math.Min(s.W, l.PhaseWidth - s.PadLeft);
                if (to > 0) src[..to].CopyTo(dst[s.PadLeft..]);
                continue;
            }
            // Phase q's column `at` is padded column at·SW + q, input column at·SW + q - PadLeft.
            for (int q = 0; q < s.SW; q++)
            {
                var phase = dst.Slice(q * l.PhaseWidth, l.PhaseWidth);
                int at = 0, ix = q - s.PadLeft;
                for (; ix < 0; ix += s.SW) at++;
                for (; ix < s.W && at < phase.Length; ix += s.SW) phase[at++] = src[ix];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compute<T>(in Conv2dShape s, in Layout l, Span<T> work, ReadOnlySpan<T> ws, T b, Span<T> os, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vw = Vector<T>.Count, kh = s.KH, kw = s.KW, ow = s.OW;
        // Each tap's offset in a workspace row: its phase's start plus its column within the phase.
        Span<int> tapColumn = stackalloc int[kw];
        for (int j = 0; j < kw; j++)
            tapColumn[j] = j * s.DW % s.SW * l.PhaseWidth + j * s.DW / s.SW;
        ref T src = ref MemoryMarshal.GetReference(work);
        ref T dst = ref MemoryMarshal.GetReference(os);
        Span<T> tail = stackalloc T[vw];
        var bv = new Vector<T>(b);
        bool taps3x3 = kh == 3 && kw == 3;
        for (int oy = 0; oy < s.OH; oy++)
        {
            int rowBase = oy * s.SH * l.RowStride;
            for (int ox = 0; ox < ow; ox += vw)
            {
                var acc = taps3x3
                    ? Taps3x3(ref src, rowBase + ox, s.DH * l.RowStride, tapColumn, ws, bv)
                    : Taps(ref src, rowBase + ox, s.DH * l.RowStride, tapColumn, ws, kh, bv);
                // "v < 0 ? 0 : v", as the relu kernel and the GEMM epilogue: NaN and -0 stay.
                if (relu) acc = Vector.ConditionalSelect(Vector.LessThan(acc, Vector<T>.Zero), Vector<T>.Zero, acc);
                if (ox + vw <= ow) acc.StoreUnsafe(ref dst, (nuint)(oy * ow + ox));
                else
                {
                    acc.CopyTo(tail);
                    tail[..(ow - ox)].CopyTo(os.Slice(oy * ow + ox));
                }
            }
        }
    }

    // Bias, then + w[i, j]·x for each tap in row-major order: the one order every path keeps.
    private static Vector<T> Taps<T>(ref T src, int at, int rowStep, ReadOnlySpan<int> tapColumn, ReadOnlySpan<T> ws, int kh, Vector<T> acc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int kw = tapColumn.Length;
        for (int i = 0; i < kh; i++, at += rowStep)
            for (int j = 0; j < kw; j++)
                acc += new Vector<T>(ws[i * kw + j]) * Vector.LoadUnsafe(ref src, (nuint)(at + tapColumn[j]));
        return acc;
    }

    // The common 3x3 filter unrolled, the same operations in the same order as Taps.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Taps3x3<T>(ref T src, int at, int rowStep, ReadOnlySpan<int> tapColumn, ReadOnlySpan<T> ws, Vector<T> acc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        nuint c0 = (nuint)(at + tapColumn[0]), c1 = (nuint)(at + tapColumn[1]), c2 = (nuint)(at + tapColumn[2]), step = (nuint)rowStep;
        for (int i = 0; i < 3; i++, c0 += step, c1 += step, c2 += step)
        {
            acc += new Vector<T>(ws[3 * i]) * Vector.LoadUnsafe(ref src, c0);
            acc += new Vector<T>(ws[3 * i + 1]) * Vector.LoadUnsafe(ref src, c1);
            acc += new Vector<T>(ws[3 * i + 2]) * Vector.LoadUnsafe(ref src, c2);
        }
        return acc;
    }

    /// <summary>One workspace per thread and element type, grown to the largest plane seen and kept: no allocation per run.</summary>
    private static class Workspace<T> where T : unmanaged
    {
        [ThreadStatic] private static T[]? _buffer;

        public static Span<T> Get(int size)
        {
            if (_buffer is null || _buffer.Length < size) _buffer = new T[Math.Max(size, 1024)];
            return _buffer;
        }
    }
}
