using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Jit.Backends.Cpu.Threading;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Convolution without im2col. The padded input is split into stride phases (for stride s, the
/// s×s planes of rows ≡ u and columns ≡ v mod s; one plane at stride 1), each of Ha × Wb elements.
/// In those planes every kernel tap (c, i, j) reads, for output row oy, a contiguous run starting
/// at a fixed offset: pixel (oy, ox) of tap k sits at offsets[k] + oy·Wb + ox. Counting output
/// pixels on the phase planes' row length Wb ("virtual" pixels, the last Wb − OW of each row
/// wasted), B[k, p] = phases[offsets[k] + p], so the micro-kernel loads its B rows straight from
/// the input (<see cref="GemmMicroKernels.TileIndirect{TV, T, TM}"/>) and the epilogue stores only the real pixels. One
/// pass over the input replaces im2col's KH·KW and the packing copy; the sum order per element
/// is the packed GEMM's (one k-block), so results match it bit for bit.
/// </summary>
internal static unsafe class ConvDirect
{
    private const long ParallelWork = 1L << 21;

    /// <summary>
    /// Pointwise convs with at least this many output channels (per group) run faster as a packed
    /// GEMM, whose blocking reuses each A panel over a block of B instead of walking every
    /// channel per panel: on AVX2 80→480 and 96→576 channels at 14x14 ran 74-76 GFLOP/s packed
    /// against 43-47 here, while below 64 channels (144→24, 32→16) this path was 5-20% faster.
    /// </summary>
    private const int PackedPointwiseChannels = 64;

    /// <summary>Whether <see cref="Run{T}"/> takes this conv: K fits one k-block, the machine has a vector micro-kernel, the phases fit one buffer, and it is not a pointwise conv better run packed.</summary>
    public static bool Handles<T>(in Conv2dShape s) where T : unmanaged
    {
        if (s.IsPointwise && s.OutChannelsPerGroup >= PackedPointwiseChannels) return false;
        var blk = GemmBlocking.For(GemmBlocking.Best, sizeof(T));
        long ha = s.OH + (long)(s.KH - 1) * s.DH / s.SH, wb = s.OW + (long)(s.KW - 1) * s.DW / s.SW;
        return blk.Kind != GemmKernelKind.Scalar && s.Rows <= blk.KC && (long)s.C * ha * wb * s.SH * s.SW < int.MaxValue / 2;
    }

    /// <summary>Tensors contiguous, the shape checked; see <see cref="ConvGemm.Run{T}"/>.</summary>
    public static void Run<T>(in Conv2dShape s, Tensor x, Tensor w, Tensor? bias, Tensor? addend, Tensor y, bool relu, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var blk = GemmBlocking.For(GemmBlocking.Best, sizeof(T));
        int ha = s.OH + (s.KH - 1) * s.DH / s.SH, wb = s.OW + (s.KW - 1) * s.DW / s.SW;
        long phasePlane = (long)ha * wb, perChannel = phasePlane * s.SH * s.SW;
        int panels = (s.OH * wb + blk.NR - 1) / blk.NR;
        // Reads run at most a row and two panels past the last plane (for wasted pixels only).
        long length = checked(s.C * perChannel + wb + 2 * blk.NR);
        // A pointwise conv's one phase plane is its input: the full panels read it in place and
        // only the last, partial panel (whose reads would run past the input) is copied.
        bool inPlace = s.IsPointwise;
        int fullPanels = inPlace ? s.Plane / blk.NR : panels;
        var phases = ArrayPool<T>.Shared.Rent(inPlace ? s.C * blk.NR : (int)length);
        int k = s.Rows;
        int* tailOffsets = stackalloc int[inPlace ? k : 0];
        for (int c = 0; inPlace && c < k; c++) tailOffsets[c] = c * blk.NR;
        // Tap (c, i, j) reads phase plane (i·DH mod SH, j·DW mod SW) of channel c from row i·DH div SH, column j·DW div SW.
        int* offsets = stackalloc int[k];
        long* rowPart = stackalloc long[s.KH];
        long* colPart = stackalloc long[s.KW];
        for (int i = 0; i < s.KH; i++) rowPart[i] = i * s.DH % s.SH * s.SW * phasePlane + i * s.DH / s.SH * wb;
        for (int j = 0; j < s.KW; j++) colPart[j] = j * s.DW % s.SW * phasePlane + j * s.DW / s.SW;
        for (int c = 0, r = 0; c < s.ChannelsPerGroup; c++)
            for (int i = 0; i < s.KH; i++)
                for (int j = 0; j < s.KW; j++, r++)
                    offsets[r] = (int)(c * perChannel + rowPart[i] + colPart[j]);
        int ocg = s.OutChannelsPerGroup, mr = blk.MR;
        long groupPanels = (long)(ocg + mr - 1) / mr * mr * k;
        var cached = PackedWeightCache<T>.Get(w, k, s.Groups, mr);
        try
        {
            fixed (T* xp = x.ContiguousSpan<T>(), wp = w.ContiguousSpan<T>(), yp = y.ContiguousSpan<T>(), qp = phases, packed = cached)
            fixed (T* bp = bias is null ? default : bias.ContiguousSpan<T>(), zp = addend is null ? default : addend.ContiguousSpan<T>())
            {
                T* packA = packed;
                if (packA == null)
                {
                    packA = GemmWorkspace<T>.PackedA(groupPanels * s.Groups);
                    for (int g = 0; g < s.Groups; g++) GemmPacking.PackA(wp + (long)g * ocg * k, k, 1, ocg, k, mr, packA + g * groupPanels);
                }
                for (int b = 0; b < s.N; b++)
                {
                    T* sample = xp + (long)b * s.C * s.H * s.W;
                    if (inPlace) CopyTail(sample, s.C, s.Plane, fullPanels * blk.NR, blk.NR, qp);
                    else Split(s, sample, qp, ha, wb, length);
                    for (int g = 0; g < s.Groups; g++)
                    {
                        long outOffset = ((long)b * s.OC + (long)g * ocg) * s.Plane;
                        var job = new Job<T>
                        {
                            Shape = s, Blocking = blk, Wb = wb, Offsets = offsets, PackedA = packA + g * groupPanels,
                            Phases = (inPlace ? sample : qp) + g * s.ChannelsPerGroup * perChannel,
                            Epilogue = new GemmEpilogue<T>
                            {
                                Alpha = T.One, Beta = T.Zero, Relu = relu,
                                RowBias = bias is null ? null : bp + (long)g * ocg,
                                Addend = addend is null ? null : zp + outOffset,
                            },
                            Output = yp + outOffset,
                        };
                        int parts = threads <= 1 || (long)ocg * s.Plane * k < ParallelWork ? 1 : Math.Min(threads, fullPanels);
                        if (parts <= 1) job.Panels(0, fullPanels);
                        else CpuParallel.For(parts, parts, new PanelRange<T>(job, fullPanels, parts));
                        if (fullPanels < panels)
                        {
                            // Panels reads Phases + p0: shifted so the last panel lands on its copy.
                            var tail = job with { Phases = qp + g * s.ChannelsPerGroup * blk.NR - (long)fullPanels * blk.NR, Offsets = tailOffsets };
                            tail.Panels(fullPanels, panels);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(phases);
        }
    }

    /// <summary>Part p of a job's panels: the p-th of <c>parts</c> contiguous, near-equal ranges.</summary>
    private readonly struct PanelRange<T>(Job<T> job, int panels, int parts) : IChunkBody where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Run(int part) => job.Panels((int)((long)panels * part / parts), (int)((long)panels * (part + 1) / parts));
    }

    /// <summary>Pixels [from, plane) of each of the <paramref name="channels"/> input planes → [channel][nr] at <paramref name="q"/>, zero-padded.</summary>
    private static void CopyTail<T>(T* x, int channels, int plane, int from, int nr, T* q) where T : unmanaged
    {
        int count = plane - from;
        for (int c = 0; c < channels; c++)
        {
            T* d = q + (long)c * nr;
            Copy(x + (long)c * plane + from, d, count);
            for (int j = count; j < nr; j++) d[j] = default;
        }
    }

    /// <summary>Zero-padded stride phases of one sample: [C][u][v][Ha][Wb], plane (u, v) holding padded rows a·SH + u, columns b·SW + v.</summary>
    private static void Split<T>(in Conv2dShape s, T* x, T* q, int ha, int wb, long length) where T : unmanaged
    {
        long phasePlane = (long)ha * wb;
        // Past the last plane: read only for wasted pixels, zeroed so they stay ordinary numbers.
        new Span<T>(q + s.C * phasePlane * s.SH * s.SW, (int)(length - s.C * phasePlane * s.SH * s.SW)).Clear();
        for (int c = 0; c < s.C; c++)
        {
            T* plane = x + (long)c * s.H * s.W;
            for (int u = 0; u < s.SH; u++)
            {
                var (a0, a1) = Conv2dShape.ValidOutputs(u - s.PadTop, s.SH, s.H, ha);
                for (int v = 0; v < s.SW; v++)
                {
                    T* dst = q + ((long)(c * s.SH + u) * s.SW + v) * phasePlane;
                    if (!Reads(u, s.KH, s.DH, s.SH) || !Reads(v, s.KW, s.DW, s.SW))
                    {
                        // No tap reads this phase (a 1x1 strided conv reads one of four); its wasted-pixel reads see zeros.
                        new Span<T>(dst, (int)phasePlane).Clear();
                        continue;
                    }
                    var (b0, b1) = Conv2dShape.ValidOutputs(v - s.PadLeft, s.SW, s.W, wb);
                    new Span<T>(dst, a0 * wb).Clear();
                    new Span<T>(dst + (long)a1 * wb, (ha - a1) * wb).Clear();
                    for (int a = a0; a < a1; a++)
                    {
                        T* src = plane + (long)(a * s.SH + u - s.PadTop) * s.W + (b0 * s.SW + v - s.PadLeft);
                        T* d = dst + (long)a * wb;
                        for (int b = 0; b < b0; b++) d[b] = default;
                        if (s.SW == 1) Copy(src, d + b0, b1 - b0);
                        else for (int b = b0; b < b1; b++) d[b] = src[(long)(b - b0) * s.SW];
                        for (int b = b1; b < wb; b++) d[b] = default;
                    }
                }
            }
        }
    }

    // Short rows: a vector loop beats a call to Memmove.
    private static void Copy<T>(T* src, T* dst, int count) where T : unmanaged
    {
        int w = Vector<T>.Count, i = 0;
        for (; i + w <= count; i += w) Vector.Store(Vector.Load(src + i), dst + i);
        for (; i < count; i++) dst[i] = src[i];
    }

    /// <summary>Whether some tap i of <paramref name="taps"/> falls on phase <paramref name="phase"/>: i·dilation ≡ phase (mod stride).</summary>
    private static bool Reads(int phase, int taps, int dilation, int stride)
    {
        for (int i = 0; i < taps; i++) if (i * dilation % stride == phase) return true;
        return false;
    }

    /// <summary>One sample and group: panels of virtual pixels through the micro-kernel and the epilogue.</summary>
    private struct Job<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public Conv2dShape Shape;
        public GemmBlocking Blocking;
        public int Wb;
        public int* Offsets;
        public T* PackedA, Phases, Output;
        public GemmEpilogue<T> Epilogue;

        public readonly void Panels(int from, int to)
        {
            int mr = Blocking.MR, nr = Blocking.NR, k = Shape.Rows, ocg = Shape.OutChannelsPerGroup;
            int ow = Shape.OW, virtualPlane = Shape.OH * Wb;
            T* tile = stackalloc T[mr * nr + Vector<T>.Count]; // StoreRow's loads may run a vector past a row
            var runs = stackalloc Run[nr + 1];
            for (int q = from; q < to; q++)
            {
                int p0 = q * nr, p1 = Math.Min(p0 + nr, virtualPlane);
                // The real pixels the panel holds, as runs within output rows: the same for every channel.
                int count = 0, end = 0;
                for (int p = p0, oy = p0 / Wb, ox = p0 - oy * Wb; p < p1;)
                {
                    int run = Math.Min(Wb - ox, p1 - p);
                    if (ox < ow)
                    {
                        runs[count++] = new Run(p - p0, oy * ow + ox, Math.Min(run, ow - ox));
                        end = oy * ow + ox + Math.Min(run, ow - ox);
                    }
                    p += run;
                    oy++;
                    ox = 0;
                }
                // A panel of nr consecutive output pixels: its tiles go straight into the output.
                bool whole = count == 1 && runs[0].Length == nr;
                for (int ir = 0; ir < ocg; ir += mr)
                {
                    if (whole)
                    {
                        Finished(k, PackedA + (long)ir * k, Phases + p0, Offsets, ir, runs[0].Output, Math.Min(mr, ocg - ir));
                        continue;
                    }
                    if (Blocking.Kind == GemmKernelKind.Vector512)
                        Kernel512(k, PackedA + (long)ir * k, Phases + p0, Offsets, tile, nr);
                    else
                        Kernel256(k, PackedA + (long)ir * k, Phases + p0, Offsets, tile, nr);
                    int rows = Math.Min(mr, ocg - ir);
                    for (int r = 0; r < rows; r++) StoreRow(tile + r * nr, ir + r, new ReadOnlySpan<Run>(runs, count), end);
                }
            }
        }

        /// <summary>Real pixels of a panel in one output row: where they sit in the tile row and in the output plane.</summary>
        private readonly record struct Run(int Tile, int Output, int Length);

        /// <summary>
        /// Output channel <paramref name="channel"/>'s real pixels of the panel: tile value + bias,
        /// + addend, relu, as <see cref="GemmEpilogue{T}"/> computes them. A run is stored in whole
        /// vectors while they end before <paramref name="end"/> (one past the panel's last real pixel):
        /// what spills past a run lands on the next run's pixels, which are stored after it.
        /// </summary>
        private readonly void StoreRow(T* tile, int channel, ReadOnlySpan<Run> runs, int end)
        {
            int plane = Shape.Plane, w = Vector<T>.Count;
            T* y = Output + (long)channel * plane;
            T* z = Epilogue.Addend == null ? null : Epilogue.Addend + (long)channel * plane;
            T b = Epilogue.RowBias == null ? T.Zero : Epilogue.RowBias[channel];
            var bias = new Vector<T>(b);
            bool relu = Epilogue.Relu;
            foreach (var run in runs)
            {
                T* t = tile + run.Tile;
                int j = run.Output, len = run.Length, x = 0;
                for (; x < len && j + x + w <= end; x += w)
                {
                    var v = Vector.Load(t + x) + bias;
                    if (z != null) v += Vector.Load(z + j + x);
                    if (relu) v = Vector.ConditionalSelect(Vector.LessThan(v, Vector<T>.Zero), Vector<T>.Zero, v);
                    v.Store(y + j + x);
                }
                for (; x < len; x++)
                {
                    T v = t[x] + b;
                    if (z != null) v += z[j + x];
                    y[j + x] = relu && v < T.Zero ? T.Zero : v;
                }
            }
        }

        /// <summary>A tile into output rows i.. (its first <paramref name="rows"/>), pixels j.., with the epilogue in the kernel's stores.</summary>
        private readonly void Finished(int k, T* a, T* b, int* offsets, int i, int j, int rows)
        {
            T* c = Output + (long)i * Shape.Plane + j;
            if (typeof(T) == typeof(float)) Finished<float, GemmF32>(k, (float*)a, (float*)b, offsets, (float*)c, i, j, rows);
            else Finished<double, GemmF64>(k, (double*)a, (double*)b, offsets, (double*)c, i, j, rows);
        }

        private readonly void Finished<TE, TM>(int k, TE* a, TE* b, int* offsets, TE* c, int i, int j, int rows)
            where TE : unmanaged, IFloatingPointIeee754<TE> where TM : struct, IGemmMath<TE>
        {
            ref readonly var e = ref Unsafe.As<GemmEpilogue<T>, GemmEpilogue<TE>>(ref Unsafe.AsRef(in Epilogue));
            if (Blocking.Kind == GemmKernelKind.Vector512)
                GemmMicroKernels.TileIndirectFinished<Vector512<TE>, TE, TM>(k, a, b, offsets, c, Shape.Plane, e, i, j, rows);
            else
                GemmMicroKernels.TileIndirectFinished<Vector256<TE>, TE, TM>(k, a, b, offsets, c, Shape.Plane, e, i, j, rows);
        }

        private static void Kernel512(int k, T* a, T* b, int* offsets, T* tile, int nr)
        {
            if (typeof(T) == typeof(float)) GemmMicroKernels.TileIndirect<Vector512<float>, float, GemmF32>(k, (float*)a, (float*)b, offsets, (float*)tile, nr);
            else GemmMicroKernels.TileIndirect<Vector512<double>, double, GemmF64>(k, (double*)a, (double*)b, offsets, (double*)tile, nr);
        }

        private static void Kernel256(int k, T* a, T* b, int* offsets, T* tile, int nr)
        {
            if (typeof(T) == typeof(float)) GemmMicroKernels.TileIndirect<Vector256<float>, float, GemmF32>(k, (float*)a, (float*)b, offsets, (float*)tile, nr);
            else GemmMicroKernels.TileIndirect<Vector256<double>, double, GemmF64>(k, (double*)a, (double*)b, offsets, (double*)tile, nr);
        }
    }
}
