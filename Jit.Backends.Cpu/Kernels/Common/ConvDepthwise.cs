using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Jit.Backends.Cpu.Threading;
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
        CpuParallel.For(planes, threads, new Planes<T>(s, x, w, bias, y, relu));
    }

    /// <summary>One chunk per plane, so a thread that loses its core holds up at most one plane.</summary>
    private readonly struct Planes<T>(Conv2dShape s, Tensor x, Tensor w, Tensor? bias, Tensor y, bool relu) : IChunkBody
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int plane) => Plane<T>(s, x, w, bias, y, plane, relu);
    }

    // Output ox reads padded column ox·SW + j·DW; a vector starting at the last output reads one vector past it, hence the margin.
    internal static PhasePlane Layout(in Conv2dShape s) => new(
        (s.OH - 1) * s.SH + (s.KH - 1) * s.DH + 1, s.SW,
        (s.KW - 1) * s.DW / s.SW + (s.OW + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count + 1);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane<T>(in Conv2dShape s, Tensor x, Tensor w, Tensor? bias, Tensor y, int plane, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int ch = plane % s.C;
        var layout = Layout(s);
        var work = ThreadScratch<T, PhasePlane>.Take(layout.Size);
        layout.Fill(x.ContiguousSpan<T>().Slice(plane * s.H * s.W, s.H * s.W), s.H, s.W, s.PadTop, s.PadLeft, work);
        var ws = w.ContiguousSpan<T>().Slice(ch * s.KH * s.KW, s.KH * s.KW);
        var os = y.ContiguousSpan<T>().Slice(plane * s.Plane, s.Plane);
        var b = bias is null ? T.Zero : bias.ContiguousSpan<T>()[ch];
        if (typeof(T) == typeof(float) && ConvDepthwiseFma.Applies(s))
            ConvDepthwiseFma.Compute(s, layout, MemoryMarshal.Cast<T, float>(work), MemoryMarshal.Cast<T, float>(ws), float.CreateTruncating(b), MemoryMarshal.Cast<T, float>(os), relu);
        else
            Compute(s, layout, work, ws, b, os, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compute<T>(in Conv2dShape s, in PhasePlane l, Span<T> work, ReadOnlySpan<T> ws, T b, Span<T> os, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vw = Vector<T>.Count, kh = s.KH, kw = s.KW, ow = s.OW;
        // Each tap's offset in a workspace row: its phase's start plus its column within the phase.
        Span<int> tapColumn = stackalloc int[kw];
        for (int j = 0; j < kw; j++)
            tapColumn[j] = l.Column(j * s.DW);
        ref T src = ref MemoryMarshal.GetReference(work);
        ref T dst = ref MemoryMarshal.GetReference(os);
        Span<T> tail = stackalloc T[vw];
        var bv = new Vector<T>(b);
        for (int oy = 0; oy < s.OH; oy++)
        {
            int rowBase = oy * s.SH * l.RowStride;
            for (int ox = 0; ox < ow; ox += vw)
            {
                var acc = Taps(ref src, rowBase + ox, s.DH * l.RowStride, tapColumn, ws, kh, bv);
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
}
