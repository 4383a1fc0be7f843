using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Jit.Backends.Cpu.Threading;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Float32 3x3 stride-1 convolutions by Winograd's F(2x2, 3x3) (Lavin and Gray, 2015): each 2x2
/// block of outputs (a tile) comes from a 4x4 input patch d and the filter g as
/// Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A, so the 9 multiplies per output and channel become 4. The
/// channel sums of the 16 elementwise products are 16 GEMMs, U[k] (OC x C) · V[k] (C x tiles),
/// on the packed GEMM. The transforms' coefficients are 0, ±1 and ±1/2: the sums are those of the
/// direct conv in another order, within a few ulps of it. The filter transform is computed once
/// per weight (<see cref="DerivedWeights{T, TKey}"/>); inputs are transformed eight tiles at a time
/// from a phase-split copy of each plane (<see cref="PhasePlane"/>), into per-thread scratch
/// (<see cref="ThreadScratch{T, TUse}"/>); the output transform adds the
/// bias, then the addend, then applies relu, as the GEMM epilogue does.
/// </summary>
internal static class ConvWinograd
{
    private const int Lanes = 8;

    /// <summary>
    /// Where it pays: 3x3, stride and dilation 1, one group, enough channels for the GEMMs and
    /// enough tiles to amortize the transforms (measured: below these the im2col GEMM is as fast),
    /// and a filter small enough to keep transformed (16/9 of it, plus the copy that validates it).
    /// </summary>
    public static bool Handles<T>(in Conv2dShape s) where T : unmanaged =>
        typeof(T) == typeof(float) && Vector<float>.Count == Lanes
        && s.KH == 3 && s.KW == 3 && s.SH == 1 && s.SW == 1 && s.DH == 1 && s.DW == 1 && s.Groups == 1
        && s.C >= 16 && s.OC >= 16 && (long)s.OC * s.C * 9 <= 1 << 18
        && (long)Grid.Of(s).TH * Grid.Of(s).TW >= 64;

    private readonly record struct Transform(int OC, int C);

    /// <summary>The output's 2x2 tiles: TH rows of TW, each row padded to whole vectors (TWp) in V and M.</summary>
    private readonly record struct Grid(int TH, int TW)
    {
        public int TWp => (TW + Lanes - 1) / Lanes * Lanes;
        public int Tiles => TH * TWp;

        public static Grid Of(in Conv2dShape s) => new((s.OH + 1) / 2, (s.OW + 1) / 2);
    }

    // Uses of ThreadScratch: the transformed inputs (V) and the products (M).
    private readonly struct Transformed;
    private readonly struct Products;

    /// <summary>Tensors contiguous, <see cref="Handles{T}"/> true; see <see cref="ConvGemm.Run{T}"/>.</summary>
    public static void Run(in Conv2dShape s, Tensor x, Tensor w, Tensor? bias, Tensor? addend, Tensor y, bool relu, int threads)
    {
        var grid = Grid.Of(s);
        int tiles = grid.Tiles;
        var u = DerivedWeights<float, Transform>.Get(w, new Transform(s.OC, s.C), static (t, g) => FilterTransform(g, t.OC, t.C));
        var plane = new PhasePlane(2 * grid.TH + 2, 2, grid.TWp + 1);
        // Both are this thread's; the transforms' helper threads write into them while it waits.
        var v = ThreadScratch<float, Transformed>.TakeArray(16L * s.C * tiles);
        var m = ThreadScratch<float, Products>.TakeArray(16L * s.OC * tiles);
        for (int n = 0; n < s.N; n++)
        {
            if (threads > 1) InputsParallel(s, x, n, plane, grid, v, threads);
            else Inputs(s, x, n, plane, grid, v, 0, s.C);
            for (int k = 0; k < 16; k++)
            {
                PackedGemm.RunAny(new GemmArgs<float>
                {
                    M = s.OC, N = tiles, K = s.C,
                    A = u, ALayout = new GemmLayout((long)k * s.OC * s.C, s.C, 1),
                    B = v, BLayout = new GemmLayout((long)k * s.C * tiles, tiles, 1),
                    C = m, COffset = (long)k * s.OC * tiles, Ldc = tiles,
                    Alpha = 1f, Beta = 0f,
                }, threads);
            }
            if (threads > 1) OutputsParallel(s, n, m, bias, addend, y, relu, threads);
            else Outputs(s, n, m, bias, addend, y, relu, 0, s.OC);
        }
    }

    // Channels [from, to) of sample n into V (this thread's plane workspace).
    private static void Inputs(in Conv2dShape s, Tensor x, int n, in PhasePlane plane, Grid grid, Span<float> v, int from, int to)
    {
        var work = ThreadScratch<float, PhasePlane>.Take(plane.Size);
        var xs = x.ContiguousSpan<float>();
        int inPlane = s.H * s.W, tiles = grid.Tiles;
        for (int c = from; c < to; c++)
        {
            plane.Fill(xs.Slice((n * s.C + c) * inPlane, inPlane), s.H, s.W, s.PadTop, s.PadLeft, work);
            InputTransform(plane, work, grid, v, c * tiles, s.C * tiles);
        }
    }

    // Output channels [from, to) of sample n from M.
    private static void Outputs(in Conv2dShape s, int n, Span<float> m, Tensor? bias, Tensor? addend, Tensor y, bool relu, int from, int to)
    {
        var grid = Grid.Of(s);
        int tiles = grid.Tiles, outPlane = s.Plane;
        var ys = y.ContiguousSpan<float>();
        var bs = bias is null ? default : bias.ContiguousSpan<float>();
        var zs = addend is null ? default : addend.ContiguousSpan<float>();
        long first = (long)n * s.OC * outPlane;
        for (int oc = from; oc < to; oc++)
        {
            var dst = ys.Slice((int)(first + (long)oc * outPlane), outPlane);
            var add = zs.IsEmpty ? default : zs.Slice((int)(first + (long)oc * outPlane), outPlane);
            OutputTransform(s, m, oc * tiles, s.OC * tiles, grid, bs.IsEmpty ? 0f : bs[oc], add, relu, dst);
        }
    }

    // The transforms split by channel across threads; V and M are the calling thread's
    // workspaces, each thread writes its own channels' rows.
    private static void InputsParallel(in Conv2dShape s, Tensor x, int n, in PhasePlane plane, Grid grid, float[] v, int threads)
    {
        int parts = Math.Min(s.C, threads * 4);
        CpuParallel.For(parts, threads, new InputParts(s, x, n, plane, grid, v, parts));
    }

    private static void OutputsParallel(in Conv2dShape s, int n, float[] m, Tensor? bias, Tensor? addend, Tensor y, bool relu, int threads)
    {
        int parts = Math.Min(s.OC, threads * 4);
        CpuParallel.For(parts, threads, new OutputParts(s, n, m, bias, addend, y, relu, parts));
    }

    /// <summary>Part p of the input transform: the p-th of <c>parts</c> ranges of input channels.</summary>
    private readonly struct InputParts(Conv2dShape s, Tensor x, int n, PhasePlane plane, Grid grid, float[] v, int parts) : IChunkBody
    {
        public void Run(int p) => Inputs(s, x, n, plane, grid, v, s.C * p / parts, s.C * (p + 1) / parts);
    }

    /// <summary>Part p of the output transform: the p-th of <c>parts</c> ranges of output channels.</summary>
    private readonly struct OutputParts(Conv2dShape s, int n, float[] m, Tensor? bias, Tensor? addend, Tensor y, bool relu, int parts) : IChunkBody
    {
        public void Run(int p) => Outputs(s, n, m, bias, addend, y, relu, s.OC * p / parts, s.OC * (p + 1) / parts);
    }

    // U = G g Gᵀ for every (oc, c), stored as 16 matrices [OC][C], one per element of the 4x4 result.
    private static float[] FilterTransform(ReadOnlySpan<float> g, int oc, int c)
    {
        var u = new float[16 * oc * c];
        Span<float> gg = stackalloc float[12];
        for (int o = 0; o < oc; o++)
        {
            for (int i = 0; i < c; i++)
            {
                var f = g.Slice((o * c + i) * 9, 9);
                // G g: 4 rows of 3.
                for (int j = 0; j < 3; j++)
                {
                    float g0 = f[j], g1 = f[3 + j], g2 = f[6 + j];
                    gg[j] = g0;
                    gg[3 + j] = 0.5f * (g0 + g1 + g2);
                    gg[6 + j] = 0.5f * (g0 - g1 + g2);
                    gg[9 + j] = g2;
                }
                // (G g) Gᵀ: 4 x 4.
                for (int r = 0; r < 4; r++)
                {
                    float r0 = gg[3 * r], r1 = gg[3 * r + 1], r2 = gg[3 * r + 2];
                    long at = (long)o * c + i, stride = (long)oc * c;
                    u[(4 * r + 0) * stride + at] = r0;
                    u[(4 * r + 1) * stride + at] = 0.5f * (r0 + r1 + r2);
                    u[(4 * r + 2) * stride + at] = 0.5f * (r0 - r1 + r2);
                    u[(4 * r + 3) * stride + at] = r2;
                }
            }
        }
        return u;
    }

    // V = Bᵀ d B for eight adjacent tiles at once; V[k] rows are channels, columns tiles.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputTransform(in PhasePlane p, Span<float> work, Grid grid, Span<float> v, int at, int kStride)
    {
        ref float src = ref MemoryMarshal.GetReference(work);
        ref float dst = ref MemoryMarshal.GetReference(v);
        // Patch column j of tile t is padded column 2t + j: phase j % 2, at t + j / 2.
        int c0 = p.Column(0), c1 = p.Column(1), c2 = p.Column(2), c3 = p.Column(3), rs = p.RowStride;
        int th = grid.TH, twp = grid.TWp;
        for (int ty = 0; ty < th; ty++)
        {
            for (int tx = 0; tx < twp; tx += Lanes)
            {
                int r = 2 * ty * rs + tx;
                // Bᵀ d, row by row of the result, each over the patch's four columns.
                Rows(ref src, r, rs, c0, out var t00, out var t10, out var t20, out var t30);
                Rows(ref src, r, rs, c1, out var t01, out var t11, out var t21, out var t31);
                Rows(ref src, r, rs, c2, out var t02, out var t12, out var t22, out var t32);
                Rows(ref src, r, rs, c3, out var t03, out var t13, out var t23, out var t33);
                nuint o = (nuint)(at + ty * twp + tx), k = (nuint)kStride;
                Columns(ref dst, o, k, 0, t00, t01, t02, t03);
                Columns(ref dst, o, k, 4, t10, t11, t12, t13);
                Columns(ref dst, o, k, 8, t20, t21, t22, t23);
                Columns(ref dst, o, k, 12, t30, t31, t32, t33);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rows(ref float src, int r, int rs, int column, out Vector<float> t0, out Vector<float> t1, out Vector<float> t2, out Vector<float> t3)
    {
        var d0 = Vector.LoadUnsafe(ref src, (nuint)(r + column));
        var d1 = Vector.LoadUnsafe(ref src, (nuint)(r + rs + column));
        var d2 = Vector.LoadUnsafe(ref src, (nuint)(r + 2 * rs + column));
        var d3 = Vector.LoadUnsafe(ref src, (nuint)(r + 3 * rs + column));
        t0 = d0 - d2;
        t1 = d1 + d2;
        t2 = d2 - d1;
        t3 = d1 - d3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns(ref float dst, nuint o, nuint k, int row, Vector<float> t0, Vector<float> t1, Vector<float> t2, Vector<float> t3)
    {
        (t0 - t2).StoreUnsafe(ref dst, o + (nuint)row * k);
        (t1 + t2).StoreUnsafe(ref dst, o + (nuint)(row + 1) * k);
        (t2 - t1).StoreUnsafe(ref dst, o + (nuint)(row + 2) * k);
        (t1 - t3).StoreUnsafe(ref dst, o + (nuint)(row + 3) * k);
    }

    // Y = Aᵀ M A for eight tiles at once, then + bias, + addend, relu, written where the tile lies in the output.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OutputTransform(in Conv2dShape s, Span<float> m, int at, int kStride, Grid grid,
        float bias, ReadOnlySpan<float> addend, bool relu, Span<float> dst)
    {
        ref float src = ref MemoryMarshal.GetReference(m);
        Span<float> y = stackalloc float[4 * Lanes];
        var b = new Vector<float>(bias);
        int ow = s.OW, th = grid.TH, tw = grid.TW, twp = grid.TWp;
        for (int ty = 0; ty < th; ty++)
        {
            for (int tx = 0; tx < tw; tx += Lanes)
            {
                nuint o = (nuint)(at + ty * twp + tx), k = (nuint)kStride;
                // Aᵀ M: two rows, each over M's four columns.
                var s00 = Sum3(ref src, o, k, 0, 4, 8); var s10 = Diff3(ref src, o, k, 4, 8, 12);
                var s01 = Sum3(ref src, o, k, 1, 5, 9); var s11 = Diff3(ref src, o, k, 5, 9, 13);
                var s02 = Sum3(ref src, o, k, 2, 6, 10); var s12 = Diff3(ref src, o, k, 6, 10, 14);
                var s03 = Sum3(ref src, o, k, 3, 7, 11); var s13 = Diff3(ref src, o, k, 7, 11, 15);
                (s00 + s01 + s02 + b).CopyTo(y);
                (s01 - s02 - s03 + b).CopyTo(y[Lanes..]);
                (s10 + s11 + s12 + b).CopyTo(y[(2 * Lanes)..]);
                (s11 - s12 - s13 + b).CopyTo(y[(3 * Lanes)..]);
                int count = Math.Min(Lanes, tw - tx);
                for (int dy = 0; dy < 2; dy++)
                {
                    int oy = 2 * ty + dy;
                    if (oy >= s.OH) break;
                    for (int l = 0; l < count; l++)
                    {
                        for (int dx = 0; dx < 2; dx++)
                        {
                            int ox = 2 * (tx + l) + dx;
                            if (ox >= ow) break;
                            int e = oy * ow + ox;
                            float value = y[(2 * dy + dx) * Lanes + l];
                            if (!addend.IsEmpty) value += addend[e];
                            // "v < 0 ? 0 : v", as the relu kernel and the GEMM epilogue: NaN and -0 stay.
                            dst[e] = relu && value < 0f ? 0f : value;
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Sum3(ref float src, nuint o, nuint k, int a, int b, int c) =>
        Vector.LoadUnsafe(ref src, o + (nuint)a * k) + Vector.LoadUnsafe(ref src, o + (nuint)b * k) + Vector.LoadUnsafe(ref src, o + (nuint)c * k);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Diff3(ref float src, nuint o, nuint k, int a, int b, int c) =>
        Vector.LoadUnsafe(ref src, o + (nuint)a * k) - Vector.LoadUnsafe(ref src, o + (nuint)b * k) - Vector.LoadUnsafe(ref src, o + (nuint)c * k);
}
