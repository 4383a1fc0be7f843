using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Jit.Backends.Cpu.Threading;
using Jit.Errors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// A GotoBLAS/BLIS-style GEMM for float32 and float64: blocks of A and B are packed into
/// aligned panels (<see cref="GemmPacking"/>), a register-blocked micro-kernel
/// (<see cref="GemmMicroKernels"/>) computes MR x NR tiles, and <see cref="GemmEpilogue{T}"/>
/// folds alpha, beta, bias and relu into the stores; a full tile whose epilogue is plain
/// (C = acc, then C += acc per k-block) is stored by the kernel straight into C, and so is a
/// full-width tile of the last k-block whose bias, addend and relu the kernel's stores take
/// (alpha 1, no beta scaling). A may come prepacked (a conv's cached weights). Threads split
/// C into disjoint row or column ranges on tile boundaries and run the whole blocked loop on
/// each range (row ranges share one packed B); the k-blocks are the same for every split, so
/// every element is summed in the same order and the result is bitwise identical for any
/// thread count.
/// </summary>
internal static unsafe class PackedGemm
{
    /// <summary>Products below this many multiply-adds stay on the calling thread.</summary>
    private const long ParallelWork = 1L << 21;

    /// <summary>
    /// Row chunks per thread in a row split. Each chunk streams all of the shared B through L2
    /// again, so more chunks cost L3 traffic: at 1024³ on 2 threads 1, 2 and 4 chunks measured
    /// 210, 205 and 203 GFLOP/s (medians, quiet machine); 2 keeps a spare chunk for the other
    /// thread to take when one thread loses its core for a time slice.
    /// </summary>
    private const int ChunksPerThread = 2;

    /// <summary>Most elements of packed B the threads of a row split share at once (16 MiB of float32).</summary>
    private const long SharedElements = 1L << 22;

    /// <summary>Runs a float32 product on up to <paramref name="threads"/> threads; <paramref name="kind"/> forces a micro-kernel (tests run each).</summary>
    public static void Run(in GemmArgs<float> args, int threads, GemmKernelKind? kind = null) =>
        Run<float, GemmF32>(args, threads, kind ?? GemmBlocking.Best);

    /// <summary>Runs a float64 product, as the float32 overload.</summary>
    public static void Run(in GemmArgs<double> args, int threads, GemmKernelKind? kind = null) =>
        Run<double, GemmF64>(args, threads, kind ?? GemmBlocking.Best);

    /// <summary>The overload for <typeparamref name="T"/> when the caller is itself generic (float or double only).</summary>
    public static void RunAny<T>(in GemmArgs<T> args, int threads) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var any = ref Unsafe.AsRef(in args);
        if (typeof(T) == typeof(float)) Run(in Unsafe.As<GemmArgs<T>, GemmArgs<float>>(ref any), threads);
        else if (typeof(T) == typeof(double)) Run(in Unsafe.As<GemmArgs<T>, GemmArgs<double>>(ref any), threads);
        else throw new JitTypeException($"packed GEMM: unsupported element type {typeof(T).Name}");
    }

    private static void Run<T, TM>(in GemmArgs<T> g, int threads, GemmKernelKind kind)
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        if (g.M < 0 || g.N < 0 || g.K < 0) throw new JitShapeException($"packed GEMM: negative size {g.M}x{g.K}·{g.K}x{g.N}");
        if (g.M == 0 || g.N == 0) return;
        // Every bound is checked here, once; the loops below index by pointer.
        if (g.K > 0)
        {
            CheckOperand(g.A.Length, g.ALayout, g.M, g.K, "A");
            CheckOperand(g.B.Length, g.BLayout, g.K, g.N, "B");
        }
        CheckOperand(g.C.Length, new GemmLayout(g.COffset, g.Ldc, 1), g.M, g.N, "C");
        if (g.Ldc < g.N) throw new JitShapeException($"packed GEMM: leading dimension {g.Ldc} of C is below its {g.N} columns");
        if (!g.RowBias.IsEmpty && g.RowBias.Length < g.M) throw new JitShapeException($"packed GEMM: row bias of {g.RowBias.Length} for {g.M} rows");
        if (!g.ColBias.IsEmpty && g.ColBias.Length < g.N) throw new JitShapeException($"packed GEMM: column bias of {g.ColBias.Length} for {g.N} columns");
        if (!g.Addend.IsEmpty) CheckOperand(g.Addend.Length, new GemmLayout(g.COffset, g.Ldc, 1), g.M, g.N, "addend");
        var blk = GemmBlocking.For(kind, sizeof(T));
        bool prepacked = !g.PackedA.IsEmpty && g.PackedAMr == blk.MR && g.K > 0;
        if (prepacked && g.PackedA.Length < (long)RoundUp(g.M, blk.MR) * g.K)
            throw new JitShapeException($"packed GEMM: packed A of {g.PackedA.Length} for {g.M}x{g.K}");
        fixed (T* a = g.A, b = g.B, c = g.C, rowBias = g.RowBias, colBias = g.ColBias, addend = g.Addend, packedA = g.PackedA)
        {
            var job = new Job<T>
            {
                A = a + g.ALayout.Offset, Ars = g.ALayout.RowStride, Acs = g.ALayout.ColStride,
                B = b + g.BLayout.Offset, Brs = g.BLayout.RowStride, Bcs = g.BLayout.ColStride,
                C = c + g.COffset, Ldc = g.Ldc, M = g.M, N = g.N, K = g.K, Blk = blk,
                PackedA = prepacked ? packedA : null,
                Epilogue = new GemmEpilogue<T>
                {
                    Alpha = g.Alpha, Beta = g.Beta, Relu = g.Relu,
                    RowBias = g.RowBias.IsEmpty ? null : rowBias,
                    ColBias = g.ColBias.IsEmpty ? null : colBias,
                    Addend = g.Addend.IsEmpty ? null : addend + g.COffset,
                },
            };
            Split<T, TM>(job, threads);
        }
    }

    private static void CheckOperand(int length, GemmLayout l, int rows, int cols, string name)
    {
        long last = l.Offset + (rows - 1) * l.RowStride + (cols - 1) * l.ColStride;
        if (l.Offset < 0 || l.RowStride < 0 || l.ColStride < 0 || last >= length)
            throw new JitShapeException($"packed GEMM: operand {name} [{rows}, {cols}] with offset {l.Offset} and strides ({l.RowStride}, {l.ColStride}) exceeds its {length} elements");
    }

    /// <summary>
    /// Cuts C into tile-aligned ranges along its longer tile dimension for up to
    /// <paramref name="threads"/> threads: row ranges through <see cref="RowChunks{T, TM}"/>,
    /// column ranges one per thread, each packing its own columns of B.
    /// </summary>
    private static void Split<T, TM>(Job<T> job, int threads)
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        var blk = job.Blk;
        int rowTiles = (job.M + blk.MR - 1) / blk.MR, colTiles = (job.N + blk.NR - 1) / blk.NR;
        bool byRows = rowTiles >= colTiles;
        int tiles = byRows ? rowTiles : colTiles;
        int parts = (long)job.M * job.N * Math.Max(job.K, 1) < ParallelWork ? 1 : Math.Min(Math.Max(threads, 1), tiles);
        if (parts == 1)
        {
            Block<T, TM>(job, 0, job.M, 0, job.N, null);
            return;
        }
        if (byRows)
        {
            RowChunks<T, TM>(job, parts, rowTiles);
            return;
        }
        ColumnRanges<T, TM>(job, parts, colTiles);
    }

    /// <summary>Column split: one range of whole column tiles per thread, each packing its own columns of B.</summary>
    private static void ColumnRanges<T, TM>(Job<T> job, int parts, int colTiles)
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T> =>
        CpuParallel.For(parts, parts, new ColumnRange<T, TM>(job, parts, colTiles));

    /// <summary>
    /// Row split: C's rows are cut into <see cref="ChunksPerThread"/> chunks per thread, taken by
    /// whichever thread is free (a thread slowed by other work on its core holds up less), and all
    /// chunks read one packed copy of B (<see cref="GemmSharedPanels{T}"/>) rather than each thread
    /// packing all of B again. B's columns are shared in ranges of at most
    /// <see cref="SharedElements"/> packed elements.
    /// </summary>
    private static void RowChunks<T, TM>(Job<T> job, int threads, int rowTiles)
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        var blk = job.Blk;
        int chunks = Math.Min(rowTiles, ChunksPerThread * threads);
        int width = (int)Math.Clamp(SharedElements / Math.Max(job.K, 1) / blk.NC * blk.NC, blk.NC, RoundUp(job.N, blk.NC));
        for (int c0 = 0; c0 < job.N; c0 += width)
        {
            int c1 = Math.Min(job.N, c0 + width);
            T* panels = GemmWorkspace<T>.Shared(GemmSharedPanels<T>.Length(job.K, c0, c1, blk.NR));
            var shared = GemmSharedPanels<T>.Rent(panels, job.K, c0, c1, blk.KC, blk.NC, blk.NR);
            CpuParallel.For(chunks, threads, new RowChunk<T, TM>(job, chunks, rowTiles, c0, c1, shared));
            shared.Return();
        }
    }

    /// <summary>Part p of a column split: columns of whole NR tiles, all rows.</summary>
    private readonly struct ColumnRange<T, TM>(Job<T> job, int parts, int colTiles) : IChunkBody
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        public void Run(int part)
        {
            int nr = job.Blk.NR;
            int from = (int)((long)colTiles * part / parts) * nr;
            int to = Math.Min((int)((long)colTiles * (part + 1) / parts) * nr, job.N);
            Block<T, TM>(job, 0, job.M, from, to, null);
        }
    }

    /// <summary>Chunk c of a row split: rows of whole MR tiles, columns [c0, c1) from the shared packed B.</summary>
    private readonly struct RowChunk<T, TM>(Job<T> job, int chunks, int rowTiles, int c0, int c1, GemmSharedPanels<T> shared) : IChunkBody
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        public void Run(int chunk)
        {
            int mr = job.Blk.MR;
            int from = (int)((long)rowTiles * chunk / chunks) * mr;
            int to = Math.Min((int)((long)rowTiles * (chunk + 1) / chunks) * mr, job.M);
            Block<T, TM>(job, from, to, c0, c1, shared);
        }
    }

    /// <summary>
    /// The five blocked loops over C[r0..r1, c0..c1) on the calling thread, packing B's blocks
    /// itself or taking them from <paramref name="shared"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<T, TM>(Job<T> job, int r0, int r1, int c0, int c1, GemmSharedPanels<T>? shared)
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        var blk = job.Blk;
        int mr = blk.MR, nr = blk.NR;
        int kBlocks = job.K == 0 ? 1 : (job.K + blk.KC - 1) / blk.KC;
        int kcMax = Math.Min(blk.KC, job.K);
        int mcMax = Math.Min(blk.MC, RoundUp(r1 - r0, mr)), ncMax = Math.Min(blk.NC, RoundUp(c1 - c0, nr));
        T* packA = job.PackedA == null ? GemmWorkspace<T>.PackedA((long)mcMax * kcMax) : null;
        T* packB = shared == null ? GemmWorkspace<T>.PackedB((long)ncMax * kcMax) : null;
        T* tile = GemmWorkspace<T>.Tile((long)mr * nr);
        for (int i0 = r0; i0 < r1; i0 += blk.MC)
        {
            int mc = Math.Min(blk.MC, r1 - i0);
            for (int pb = 0; pb < kBlocks; pb++)
            {
                int p0 = pb * blk.KC, kc = Math.Min(blk.KC, job.K - p0);
                bool first = pb == 0, last = pb == kBlocks - 1;
                bool plain = job.Epilogue.Plain(first, last);
                bool finishes = blk.Kind != GemmKernelKind.Scalar && job.Epilogue.Finishes(first, last);
                // A prepacked over all of K: k-block p0 of panel t is at t·K·mr + p0·mr, panels K·mr apart.
                long aStride = (long)kc * mr;
                T* aBlock = packA;
                if (job.PackedA != null)
                {
                    aBlock = job.PackedA + (long)i0 * job.K + (long)p0 * mr;
                    aStride = (long)job.K * mr;
                }
                else GemmPacking.PackA(job.A + i0 * job.Ars + p0 * job.Acs, job.Ars, job.Acs, mc, kc, mr, packA);
                for (int j0 = c0; j0 < c1; j0 += blk.NC)
                {
                    int nc = Math.Min(blk.NC, c1 - j0);
                    T* bBlock = packB;
                    if (shared != null) bBlock = shared.Block(job.B, job.Brs, job.Bcs, pb, p0, kc, j0, nc);
                    else GemmPacking.PackB(job.B + p0 * job.Brs + j0 * job.Bcs, job.Brs, job.Bcs, kc, nc, nr, packB);
                    for (int ir = 0; ir < mc; ir += mr)
                    {
                        T* aPanel = aBlock + ir / mr * aStride;
                        int rows = Math.Min(mr, mc - ir);
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            T* bPanel = bBlock + (long)jr * kc;
                            int cols = Math.Min(nr, nc - jr);
                            // A full tile whose epilogue is C = acc or C += acc, or a tile of full
                            // width whose bias, addend and relu the kernel's stores take, goes
                            // straight into C.
                            T* cTile = job.C + (i0 + ir) * job.Ldc + j0 + jr;
                            if (plain && rows == mr && cols == nr)
                            {
                                Tile<T, TM>(blk.Kind, kc, aPanel, bPanel, cTile, job.Ldc, !first);
                                continue;
                            }
                            if (finishes && cols == nr)
                            {
                                TileFinished<T, TM>(blk.Kind, kc, aPanel, bPanel, cTile, job.Ldc, !first, job.Epilogue, i0 + ir, j0 + jr, rows);
                                continue;
                            }
                            Tile<T, TM>(blk.Kind, kc, aPanel, bPanel, tile, nr, false);
                            job.Epilogue.Apply(tile, nr, rows, cols, job.C, job.Ldc, i0 + ir, j0 + jr, first, last);
                        }
                    }
                }
            }
        }
    }

    /// <summary>One MR x NR tile: C = acc, or C = C + acc when <paramref name="add"/>, at stride <paramref name="ldc"/>.</summary>
    private static void Tile<T, TM>(GemmKernelKind kind, int kc, T* a, T* b, T* c, long ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        switch (kind)
        {
            case GemmKernelKind.Vector512: GemmMicroKernels.Tile<Vector512<T>, T, TM>(kc, a, b, c, ldc, add); break;
            case GemmKernelKind.Vector256: GemmMicroKernels.Tile<Vector256<T>, T, TM>(kc, a, b, c, ldc, add); break;
            default: GemmMicroKernels.TileScalar(kc, a, b, c, ldc, add); break;
        }
    }

    /// <summary>A full-width tile of the last k-block with the epilogue in its stores, its first <paramref name="rows"/> rows stored (vector kernels only).</summary>
    private static void TileFinished<T, TM>(GemmKernelKind kind, int kc, T* a, T* b, T* c, long ldc, bool add, in GemmEpilogue<T> e, int i, int j, int rows)
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        if (kind == GemmKernelKind.Vector512) GemmMicroKernels.TileFinished<Vector512<T>, T, TM>(kc, a, b, c, ldc, add, e, i, j, rows);
        else GemmMicroKernels.TileFinished<Vector256<T>, T, TM>(kc, a, b, c, ldc, add, e, i, j, rows);
    }

    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    private struct Job<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public T* A, B, C, PackedA;
        public long Ars, Acs, Brs, Bcs, Ldc;
        public int M, N, K;
        public GemmBlocking Blk;
        public GemmEpilogue<T> Epilogue;
    }
}
