using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The register-blocked inner kernels of <see cref="PackedGemm"/>: acc[MR, NR] = Σ_p
/// a[p, 0..MR) ⊗ b[p, 0..NR) over packed panels (a: MR values per k step, b: NR values per k
/// step), then C = acc, or C = C + acc when <c>add</c>, row by row at stride ldc (C is the
/// caller's output for an interior tile, or a scratch tile the epilogue reads). One kernel
/// serves both vector widths: with Vector512 it is a 12 x 2·Vector512 tile (24 accumulators, 2
/// B loads and 12 broadcasts per k), with Vector256 a 6 x 2·Vector256 tile (12 accumulators,
/// which fit AVX2's 16 registers). The accumulators are the fields of one struct local, which
/// the JIT promotes to one vector register each; each element's sum runs over p in order,
/// whatever tile position it has, which keeps results independent of how the output is split
/// between threads. The k loop is unrolled by four, a few percent faster at 1024³. The public
/// kernels are never inlined: a tier-1 caller (the kind dispatch) that inlined one left its
/// accumulators in memory and its steps as calls, at a fraction of the speed.
/// </summary>
internal static class GemmMicroKernels
{
    /// <summary>The accumulator tile: two halves of six rows, two vectors per row; Vector256 tiles use the first half only.</summary>
    private struct Acc<TV> where TV : struct
    {
        public Rows6<TV> Top, Bottom;
    }

    /// <summary>Six tile rows of two accumulator vectors each.</summary>
    private struct Rows6<TV> where TV : struct
    {
        public TV C00, C01, C10, C11, C20, C21, C30, C31, C40, C41, C50, C51;
    }

    /// <summary>
    /// One MR x NR tile, <typeparamref name="TV"/> being Vector512&lt;T&gt; or Vector256&lt;T&gt;.
    /// The width tests are written out as typeof comparisons in each method, which the JIT folds
    /// while importing (a helper returning the row count was folded too late and left rows 6..11
    /// spilled).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static unsafe void Tile<TV, T, TM>(int kc, T* a, T* b, T* c, long ldc, bool add)
        where TV : struct where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        int mr = typeof(TV) == typeof(Vector512<T>) ? 12 : 6, w = Lanes<TV, T>();
        var acc = default(Acc<TV>);
        PrefetchRows(c, ldc, mr, 2 * w * sizeof(T));
        Accumulate<TV, T, TM>(kc, a, b, ref acc);
        Put<TV, T>(ref acc.Top, c, ldc, add);
        if (typeof(TV) == typeof(Vector512<T>)) Put<TV, T>(ref acc.Bottom, c + 6 * ldc, ldc, add);
    }

    /// <summary>
    /// As <see cref="Tile{TV, T, TM}"/> for the last k-block of a tile at row <paramref name="i"/>,
    /// column <paramref name="j"/> of C, with the epilogue's bias, addend and relu folded into the
    /// stores (<see cref="GemmEpilogue{T}.Finishes"/>): no scratch tile and no second pass, which
    /// at small K cost as much as the multiply-adds. Only the first <paramref name="rows"/> rows
    /// are stored (an edge tile at the bottom of C; A's padding rows are zeros).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static unsafe void TileFinished<TV, T, TM>(int kc, T* a, T* b, T* c, long ldc, bool add, in GemmEpilogue<T> e, int i, int j, int rows)
        where TV : struct where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        int mr = typeof(TV) == typeof(Vector512<T>) ? 12 : 6, w = Lanes<TV, T>();
        var acc = default(Acc<TV>);
        PrefetchRows(c, ldc, mr, 2 * w * sizeof(T));
        Accumulate<TV, T, TM>(kc, a, b, ref acc);
        Finish<TV, T>(ref acc.Top, c, ldc, add, e, i, j, rows);
        if (typeof(TV) == typeof(Vector512<T>) && rows > 6) Finish<TV, T>(ref acc.Bottom, c + 6 * ldc, ldc, add, e, i + 6, j, rows - 6);
    }

    /// <summary>The k loop over packed panels, unrolled by four.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Accumulate<TV, T, TM>(int kc, T* a, T* b, ref Acc<TV> acc)
        where TV : struct where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        int mr = typeof(TV) == typeof(Vector512<T>) ? 12 : 6, w = Lanes<TV, T>();
        int p = 0;
        for (; p + 4 <= kc; p += 4, a += 4 * mr, b += 8 * w)
        {
            Step<TV, T, TM>(a + 0 * mr, b + 0 * w, ref acc);
            Step<TV, T, TM>(a + 1 * mr, b + 2 * w, ref acc);
            Step<TV, T, TM>(a + 2 * mr, b + 4 * w, ref acc);
            Step<TV, T, TM>(a + 3 * mr, b + 6 * w, ref acc);
        }
        for (; p < kc; p++, a += mr, b += 2 * w)
            Step<TV, T, TM>(a, b, ref acc);
    }

    /// <summary>
    /// As <see cref="Tile{TV, T, TM}"/>, but B's row for step p is read in place at
    /// b + offsets[p] instead of from a packed panel: a convolution's taps over its input, through
    /// an offset table (<see cref="ConvDirect"/>). Same per-element sums, stored as C = acc.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static unsafe void TileIndirect<TV, T, TM>(int kc, T* a, T* b, int* offsets, T* c, long ldc)
        where TV : struct where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        int mr = typeof(TV) == typeof(Vector512<T>) ? 12 : 6;
        var acc = default(Acc<TV>);
        for (int p = 0; p < kc; p++, a += mr)
            Step<TV, T, TM>(a, b + offsets[p], ref acc);
        Put<TV, T>(ref acc.Top, c, ldc, add: false);
        if (typeof(TV) == typeof(Vector512<T>)) Put<TV, T>(ref acc.Bottom, c + 6 * ldc, ldc, add: false);
    }

    /// <summary>
    /// As <see cref="TileIndirect{TV, T, TM}"/>, with the epilogue folded into the stores as in
    /// <see cref="TileFinished{TV, T, TM}"/>: the tile is row <paramref name="i"/>, column
    /// <paramref name="j"/> of the output, whose rows are <paramref name="ldc"/> apart, of which the first <paramref name="rows"/> are stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static unsafe void TileIndirectFinished<TV, T, TM>(int kc, T* a, T* b, int* offsets, T* c, long ldc, in GemmEpilogue<T> e, int i, int j, int rows)
        where TV : struct where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        int mr = typeof(TV) == typeof(Vector512<T>) ? 12 : 6;
        var acc = default(Acc<TV>);
        for (int p = 0; p < kc; p++, a += mr)
            Step<TV, T, TM>(a, b + offsets[p], ref acc);
        Finish<TV, T>(ref acc.Top, c, ldc, add: false, e, i, j, rows);
        if (typeof(TV) == typeof(Vector512<T>) && rows > 6) Finish<TV, T>(ref acc.Bottom, c + 6 * ldc, ldc, add: false, e, i + 6, j, rows - 6);
    }

    /// <summary>One k step: two B vectors, then a broadcast of A and two fused multiply-adds per row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Step<TV, T, TM>(T* a, T* b, ref Acc<TV> acc)
        where TV : struct where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        TV b0 = Load<TV, T>(b), b1 = Load<TV, T>(b + Lanes<TV, T>());
        Rows<TV, T, TM>(a, b0, b1, ref acc.Top);
        if (typeof(TV) == typeof(Vector512<T>)) Rows<TV, T, TM>(a + 6, b0, b1, ref acc.Bottom);
    }

    /// <summary>Six rows of one k step: per row a broadcast of A and two fused multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Rows<TV, T, TM>(T* a, TV b0, TV b1, ref Rows6<TV> r)
        where TV : struct where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        Row<TV, T, TM>(a[0], b0, b1, ref r.C00, ref r.C01);
        Row<TV, T, TM>(a[1], b0, b1, ref r.C10, ref r.C11);
        Row<TV, T, TM>(a[2], b0, b1, ref r.C20, ref r.C21);
        Row<TV, T, TM>(a[3], b0, b1, ref r.C30, ref r.C31);
        Row<TV, T, TM>(a[4], b0, b1, ref r.C40, ref r.C41);
        Row<TV, T, TM>(a[5], b0, b1, ref r.C50, ref r.C51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row<TV, T, TM>(T a, TV b0, TV b1, ref TV c0, ref TV c1)
        where TV : struct where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        TV av = Broadcast<TV, T>(a);
        c0 = Fma<TV, T, TM>(av, b0, c0);
        c1 = Fma<TV, T, TM>(av, b1, c1);
    }

    /// <summary>Writes six tile rows: C = acc, or C = C + acc when <paramref name="add"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Put<TV, T>(ref Rows6<TV> r, T* c, long ldc, bool add) where TV : struct where T : unmanaged, IFloatingPointIeee754<T>
    {
        Put<TV, T>(r.C00, r.C01, c, add);
        Put<TV, T>(r.C10, r.C11, c + ldc, add);
        Put<TV, T>(r.C20, r.C21, c + 2 * ldc, add);
        Put<TV, T>(r.C30, r.C31, c + 3 * ldc, add);
        Put<TV, T>(r.C40, r.C41, c + 4 * ldc, add);
        Put<TV, T>(r.C50, r.C51, c + 5 * ldc, add);
    }

    /// <summary>Writes one tile row: C = acc, or C = C + acc when <paramref name="add"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Put<TV, T>(TV v0, TV v1, T* row, bool add) where TV : struct where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* row1 = row + Lanes<TV, T>();
        Store(add ? Add<TV, T>(Load<TV, T>(row), v0) : v0, row);
        Store(add ? Add<TV, T>(Load<TV, T>(row1), v1) : v1, row1);
    }

    /// <summary>The first <paramref name="rows"/> (at least one) of six tile rows through the epilogue's last step, tile row r being row i + r of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Finish<TV, T>(ref Rows6<TV> r, T* c, long ldc, bool add, in GemmEpilogue<T> e, int i, int j, int rows)
        where TV : struct where T : unmanaged, IFloatingPointIeee754<T>
    {
        Finish(r.C00, r.C01, c, ldc, add, e, i, j);
        if (rows > 1) Finish(r.C10, r.C11, c + ldc, ldc, add, e, i + 1, j);
        if (rows > 2) Finish(r.C20, r.C21, c + 2 * ldc, ldc, add, e, i + 2, j);
        if (rows > 3) Finish(r.C30, r.C31, c + 3 * ldc, ldc, add, e, i + 3, j);
        if (rows > 4) Finish(r.C40, r.C41, c + 4 * ldc, ldc, add, e, i + 4, j);
        if (rows > 5) Finish(r.C50, r.C51, c + 5 * ldc, ldc, add, e, i + 5, j);
    }

    /// <summary>
    /// One tile row, row i of C from column j: [C +] acc, + row bias, + column bias, + addend,
    /// relu, the operations and order of <see cref="GemmEpilogue{T}.Apply"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Finish<TV, T>(TV v0, TV v1, T* row, long ldc, bool add, in GemmEpilogue<T> e, int i, int j)
        where TV : struct where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = Lanes<TV, T>();
        if (add)
        {
            v0 = Add<TV, T>(Load<TV, T>(row), v0);
            v1 = Add<TV, T>(Load<TV, T>(row + w), v1);
        }
        if (e.RowBias != null)
        {
            TV rb = Broadcast<TV, T>(e.RowBias[i]);
            v0 = Add<TV, T>(v0, rb);
            v1 = Add<TV, T>(v1, rb);
        }
        if (e.ColBias != null)
        {
            v0 = Add<TV, T>(v0, Load<TV, T>(e.ColBias + j));
            v1 = Add<TV, T>(v1, Load<TV, T>(e.ColBias + j + w));
        }
        if (e.Addend != null)
        {
            T* z = e.Addend + i * ldc + j;
            v0 = Add<TV, T>(v0, Load<TV, T>(z));
            v1 = Add<TV, T>(v1, Load<TV, T>(z + w));
        }
        if (e.Relu)
        {
            v0 = Relu<TV, T>(v0);
            v1 = Relu<TV, T>(v1);
        }
        Store(v0, row);
        Store(v1, row + w);
    }

    // The vector operations of TV = Vector512<T> or Vector256<T>; each typeof test folds to one branch.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Lanes<TV, T>() where T : unmanaged =>
        typeof(TV) == typeof(Vector512<T>) ? Vector512<T>.Count : Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe TV Load<TV, T>(T* p) where TV : struct where T : unmanaged =>
        typeof(TV) == typeof(Vector512<T>) ? Unsafe.BitCast<Vector512<T>, TV>(Vector512.Load(p)) : Unsafe.BitCast<Vector256<T>, TV>(Vector256.Load(p));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store<TV, T>(TV v, T* p) where TV : struct where T : unmanaged
    {
        if (typeof(TV) == typeof(Vector512<T>)) Unsafe.BitCast<TV, Vector512<T>>(v).Store(p);
        else Unsafe.BitCast<TV, Vector256<T>>(v).Store(p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Broadcast<TV, T>(T x) where TV : struct where T : unmanaged =>
        typeof(TV) == typeof(Vector512<T>) ? Unsafe.BitCast<Vector512<T>, TV>(Vector512.Create(x)) : Unsafe.BitCast<Vector256<T>, TV>(Vector256.Create(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Add<TV, T>(TV x, TV y) where TV : struct where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(TV) == typeof(Vector512<T>)
            ? Unsafe.BitCast<Vector512<T>, TV>(Unsafe.BitCast<TV, Vector512<T>>(x) + Unsafe.BitCast<TV, Vector512<T>>(y))
            : Unsafe.BitCast<Vector256<T>, TV>(Unsafe.BitCast<TV, Vector256<T>>(x) + Unsafe.BitCast<TV, Vector256<T>>(y));

    /// <summary>"v &lt; 0 ? 0 : v" per lane, which keeps NaN, as the epilogue and the relu kernel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Relu<TV, T>(TV v) where TV : struct where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(TV) == typeof(Vector512<T>))
        {
            var x = Unsafe.BitCast<TV, Vector512<T>>(v);
            return Unsafe.BitCast<Vector512<T>, TV>(Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<T>.Zero), Vector512<T>.Zero, x));
        }
        var y = Unsafe.BitCast<TV, Vector256<T>>(v);
        return Unsafe.BitCast<Vector256<T>, TV>(Vector256.ConditionalSelect(Vector256.LessThan(y, Vector256<T>.Zero), Vector256<T>.Zero, y));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Fma<TV, T, TM>(TV a, TV b, TV c)
        where TV : struct where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T> =>
        typeof(TV) == typeof(Vector512<T>)
            ? Unsafe.BitCast<Vector512<T>, TV>(TM.Fma(Unsafe.BitCast<TV, Vector512<T>>(a), Unsafe.BitCast<TV, Vector512<T>>(b), Unsafe.BitCast<TV, Vector512<T>>(c)))
            : Unsafe.BitCast<Vector256<T>, TV>(TM.Fma(Unsafe.BitCast<TV, Vector256<T>>(a), Unsafe.BitCast<TV, Vector256<T>>(b), Unsafe.BitCast<TV, Vector256<T>>(c)));

    /// <summary>Starts fetching a tile's rows of C (each <paramref name="bytes"/> long), which the kernel reads only after its k loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchRows<T>(T* c, long ldc, int rows, int bytes) where T : unmanaged
    {
        if (!Sse.IsSupported) return;
        for (int r = 0; r < rows; r++)
            for (int x = 0; x < bytes; x += 64) Sse.Prefetch0((byte*)(c + r * ldc) + x);
    }

    /// <summary>Portable 4 x 4 tile for machines without 256-bit FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void TileScalar<T>(int kc, T* a, T* b, T* c, long ldc, bool add) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int MR = 4, NR = 4;
        T* tile = stackalloc T[MR * NR];
        for (int i = 0; i < MR * NR; i++) tile[i] = T.Zero;
        for (int p = 0; p < kc; p++)
        {
            for (int r = 0; r < MR; r++)
            {
                T ar = a[r];
                T* t = tile + r * NR;
                t[0] += ar * b[0];
                t[1] += ar * b[1];
                t[2] += ar * b[2];
                t[3] += ar * b[3];
            }
            a += MR;
            b += NR;
        }
        for (int r = 0; r < MR; r++)
        {
            T* cr = c + r * ldc;
            for (int x = 0; x < NR; x++) cr[x] = add ? cr[x] + tile[r * NR + x] : tile[r * NR + x];
        }
    }
}
