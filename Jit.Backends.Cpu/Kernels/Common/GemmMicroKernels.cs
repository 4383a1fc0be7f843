using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The register-blocked inner kernels of <see cref="PackedGemm"/>: acc[MR, NR] = Σ_p
/// a[p, 0..MR) ⊗ b[p, 0..NR) over packed panels (a: MR values per k step, b: NR values per k
/// step), then C = acc, or C = C + acc when <c>add</c>, row by row at stride ldc (C is the caller's
/// output for an interior tile, or a scratch tile the epilogue reads). Accumulators are named
/// locals so the JIT keeps every one in a vector register (the inlined k step takes them by ref;
/// the JIT still enregisters them); each element's sum runs over p in order, whatever tile
/// position it has, which keeps results independent of how the output is split between threads.
/// The k loop is unrolled by four, which measured a few percent faster at 1024³.
/// </summary>
internal static class GemmMicroKernels
{
    /// <summary>12 x 2·Vector512&lt;T&gt;.Count tile: 24 accumulators, 2 B loads and 12 broadcasts per k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Tile512<T, TM>(int kc, T* a, T* b, T* c, long ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        int w = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default;
        Vector512<T> c10 = default, c11 = default;
        Vector512<T> c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default;
        Vector512<T> c40 = default, c41 = default;
        Vector512<T> c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default;
        Vector512<T> c70 = default, c71 = default;
        Vector512<T> c80 = default, c81 = default;
        Vector512<T> c90 = default, c91 = default;
        Vector512<T> c100 = default, c101 = default;
        Vector512<T> c110 = default, c111 = default;
        PrefetchRows(c, ldc, 12, 2 * w * sizeof(T));
        int p = 0;
        for (; p + 4 <= kc; p += 4, a += 4 * 12, b += 8 * w)
        {
            Step<T, TM>(a, b,
                ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51, ref c60, ref c61, ref c70, ref c71,
                ref c80, ref c81, ref c90, ref c91, ref c100, ref c101, ref c110, ref c111);
            Step<T, TM>(a + 12, b + 2 * w,
                ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51, ref c60, ref c61, ref c70, ref c71,
                ref c80, ref c81, ref c90, ref c91, ref c100, ref c101, ref c110, ref c111);
            Step<T, TM>(a + 2 * 12, b + 4 * w,
                ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51, ref c60, ref c61, ref c70, ref c71,
                ref c80, ref c81, ref c90, ref c91, ref c100, ref c101, ref c110, ref c111);
            Step<T, TM>(a + 3 * 12, b + 6 * w,
                ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51, ref c60, ref c61, ref c70, ref c71,
                ref c80, ref c81, ref c90, ref c91, ref c100, ref c101, ref c110, ref c111);
        }
        for (; p < kc; p++, a += 12, b += 2 * w)
            Step<T, TM>(a, b,
                ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51, ref c60, ref c61, ref c70, ref c71,
                ref c80, ref c81, ref c90, ref c91, ref c100, ref c101, ref c110, ref c111);
        Put(c00, c01, c + 0 * ldc, add);
        Put(c10, c11, c + 1 * ldc, add);
        Put(c20, c21, c + 2 * ldc, add);
        Put(c30, c31, c + 3 * ldc, add);
        Put(c40, c41, c + 4 * ldc, add);
        Put(c50, c51, c + 5 * ldc, add);
        Put(c60, c61, c + 6 * ldc, add);
        Put(c70, c71, c + 7 * ldc, add);
        Put(c80, c81, c + 8 * ldc, add);
        Put(c90, c91, c + 9 * ldc, add);
        Put(c100, c101, c + 10 * ldc, add);
        Put(c110, c111, c + 11 * ldc, add);
    }

    /// <summary>One k step of <see cref="Tile512"/>: two B vectors, 12 broadcasts of A, 24 fused multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Step<T, TM>(T* a, T* b,
        ref Vector512<T> c00, ref Vector512<T> c01, ref Vector512<T> c10, ref Vector512<T> c11,
        ref Vector512<T> c20, ref Vector512<T> c21, ref Vector512<T> c30, ref Vector512<T> c31,
        ref Vector512<T> c40, ref Vector512<T> c41, ref Vector512<T> c50, ref Vector512<T> c51,
        ref Vector512<T> c60, ref Vector512<T> c61, ref Vector512<T> c70, ref Vector512<T> c71,
        ref Vector512<T> c80, ref Vector512<T> c81, ref Vector512<T> c90, ref Vector512<T> c91,
        ref Vector512<T> c100, ref Vector512<T> c101, ref Vector512<T> c110, ref Vector512<T> c111)
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        var b0 = Vector512.Load(b);
        var b1 = Vector512.Load(b + Vector512<T>.Count);
        var a0 = Vector512.Create(a[0]);
        c00 = TM.Fma(a0, b0, c00);
        c01 = TM.Fma(a0, b1, c01);
        var a1 = Vector512.Create(a[1]);
        c10 = TM.Fma(a1, b0, c10);
        c11 = TM.Fma(a1, b1, c11);
        var a2 = Vector512.Create(a[2]);
        c20 = TM.Fma(a2, b0, c20);
        c21 = TM.Fma(a2, b1, c21);
        var a3 = Vector512.Create(a[3]);
        c30 = TM.Fma(a3, b0, c30);
        c31 = TM.Fma(a3, b1, c31);
        var a4 = Vector512.Create(a[4]);
        c40 = TM.Fma(a4, b0, c40);
        c41 = TM.Fma(a4, b1, c41);
        var a5 = Vector512.Create(a[5]);
        c50 = TM.Fma(a5, b0, c50);
        c51 = TM.Fma(a5, b1, c51);
        var a6 = Vector512.Create(a[6]);
        c60 = TM.Fma(a6, b0, c60);
        c61 = TM.Fma(a6, b1, c61);
        var a7 = Vector512.Create(a[7]);
        c70 = TM.Fma(a7, b0, c70);
        c71 = TM.Fma(a7, b1, c71);
        var a8 = Vector512.Create(a[8]);
        c80 = TM.Fma(a8, b0, c80);
        c81 = TM.Fma(a8, b1, c81);
        var a9 = Vector512.Create(a[9]);
        c90 = TM.Fma(a9, b0, c90);
        c91 = TM.Fma(a9, b1, c91);
        var a10 = Vector512.Create(a[10]);
        c100 = TM.Fma(a10, b0, c100);
        c101 = TM.Fma(a10, b1, c101);
        var a11 = Vector512.Create(a[11]);
        c110 = TM.Fma(a11, b0, c110);
        c111 = TM.Fma(a11, b1, c111);
    }

    /// <summary>Writes one tile row: C = acc, or C = C + acc when <paramref name="add"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Put<T>(Vector512<T> v0, Vector512<T> v1, T* row, bool add) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (add)
        {
            v0 = Vector512.Load(row) + v0;
            v1 = Vector512.Load(row + Vector512<T>.Count) + v1;
        }
        v0.Store(row);
        v1.Store(row + Vector512<T>.Count);
    }

    /// <summary>6 x 2·Vector256&lt;T&gt;.Count tile: 12 accumulators, 2 B loads and 6 broadcasts per k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Tile256<T, TM>(int kc, T* a, T* b, T* c, long ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default;
        Vector256<T> c10 = default, c11 = default;
        Vector256<T> c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default;
        Vector256<T> c40 = default, c41 = default;
        Vector256<T> c50 = default, c51 = default;
        PrefetchRows(c, ldc, 6, 2 * w * sizeof(T));
        int p = 0;
        for (; p + 4 <= kc; p += 4, a += 4 * 6, b += 8 * w)
        {
            Step<T, TM>(a, b,
                ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51);
            Step<T, TM>(a + 6, b + 2 * w,
                ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51);
            Step<T, TM>(a + 2 * 6, b + 4 * w,
                ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51);
            Step<T, TM>(a + 3 * 6, b + 6 * w,
                ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51);
        }
        for (; p < kc; p++, a += 6, b += 2 * w)
            Step<T, TM>(a, b,
                ref c00, ref c01, ref c10, ref c11, ref c20, ref c21, ref c30, ref c31,
                ref c40, ref c41, ref c50, ref c51);
        Put(c00, c01, c + 0 * ldc, add);
        Put(c10, c11, c + 1 * ldc, add);
        Put(c20, c21, c + 2 * ldc, add);
        Put(c30, c31, c + 3 * ldc, add);
        Put(c40, c41, c + 4 * ldc, add);
        Put(c50, c51, c + 5 * ldc, add);
    }

    /// <summary>One k step of <see cref="Tile256"/>: two B vectors, 6 broadcasts of A, 12 fused multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Step<T, TM>(T* a, T* b,
        ref Vector256<T> c00, ref Vector256<T> c01, ref Vector256<T> c10, ref Vector256<T> c11,
        ref Vector256<T> c20, ref Vector256<T> c21, ref Vector256<T> c30, ref Vector256<T> c31,
        ref Vector256<T> c40, ref Vector256<T> c41, ref Vector256<T> c50, ref Vector256<T> c51)
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        var b0 = Vector256.Load(b);
        var b1 = Vector256.Load(b + Vector256<T>.Count);
        var a0 = Vector256.Create(a[0]);
        c00 = TM.Fma(a0, b0, c00);
        c01 = TM.Fma(a0, b1, c01);
        var a1 = Vector256.Create(a[1]);
        c10 = TM.Fma(a1, b0, c10);
        c11 = TM.Fma(a1, b1, c11);
        var a2 = Vector256.Create(a[2]);
        c20 = TM.Fma(a2, b0, c20);
        c21 = TM.Fma(a2, b1, c21);
        var a3 = Vector256.Create(a[3]);
        c30 = TM.Fma(a3, b0, c30);
        c31 = TM.Fma(a3, b1, c31);
        var a4 = Vector256.Create(a[4]);
        c40 = TM.Fma(a4, b0, c40);
        c41 = TM.Fma(a4, b1, c41);
        var a5 = Vector256.Create(a[5]);
        c50 = TM.Fma(a5, b0, c50);
        c51 = TM.Fma(a5, b1, c51);
    }

    /// <summary>Writes one tile row: C = acc, or C = C + acc when <paramref name="add"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Put<T>(Vector256<T> v0, Vector256<T> v1, T* row, bool add) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (add)
        {
            v0 = Vector256.Load(row) + v0;
            v1 = Vector256.Load(row + Vector256<T>.Count) + v1;
        }
        v0.Store(row);
        v1.Store(row + Vector256<T>.Count);
    }

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
