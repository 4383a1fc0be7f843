using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The register-blocked inner kernels of <see cref="PackedGemm"/>: tile[MR, NR] = Σ_p
/// a[p, 0..MR) ⊗ b[p, 0..NR) over packed panels (a: MR values per k step, b: NR values per k
/// step). Accumulators are named locals so the JIT keeps every one in a vector register; each
/// element's sum runs over p in order, whatever tile position it has, which keeps results
/// independent of how the output is split between threads.
/// </summary>
internal static class GemmMicroKernels
{
    /// <summary>12 x 2·Vector512&lt;T&gt;.Count tile: 24 accumulators, 2 B loads and 12 broadcasts per k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Tile512<T, TM>(int kc, T* a, T* b, T* tile)
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
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + w);
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
            a += 12;
            b += 2 * w;
        }
        c00.Store(tile + 0 * 2 * w);
        c01.Store(tile + 0 * 2 * w + w);
        c10.Store(tile + 1 * 2 * w);
        c11.Store(tile + 1 * 2 * w + w);
        c20.Store(tile + 2 * 2 * w);
        c21.Store(tile + 2 * 2 * w + w);
        c30.Store(tile + 3 * 2 * w);
        c31.Store(tile + 3 * 2 * w + w);
        c40.Store(tile + 4 * 2 * w);
        c41.Store(tile + 4 * 2 * w + w);
        c50.Store(tile + 5 * 2 * w);
        c51.Store(tile + 5 * 2 * w + w);
        c60.Store(tile + 6 * 2 * w);
        c61.Store(tile + 6 * 2 * w + w);
        c70.Store(tile + 7 * 2 * w);
        c71.Store(tile + 7 * 2 * w + w);
        c80.Store(tile + 8 * 2 * w);
        c81.Store(tile + 8 * 2 * w + w);
        c90.Store(tile + 9 * 2 * w);
        c91.Store(tile + 9 * 2 * w + w);
        c100.Store(tile + 10 * 2 * w);
        c101.Store(tile + 10 * 2 * w + w);
        c110.Store(tile + 11 * 2 * w);
        c111.Store(tile + 11 * 2 * w + w);
    }

    /// <summary>6 x 2·Vector256&lt;T&gt;.Count tile: 12 accumulators, 2 B loads and 6 broadcasts per k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Tile256<T, TM>(int kc, T* a, T* b, T* tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default;
        Vector256<T> c10 = default, c11 = default;
        Vector256<T> c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default;
        Vector256<T> c40 = default, c41 = default;
        Vector256<T> c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + w);
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
            a += 6;
            b += 2 * w;
        }
        c00.Store(tile + 0 * 2 * w);
        c01.Store(tile + 0 * 2 * w + w);
        c10.Store(tile + 1 * 2 * w);
        c11.Store(tile + 1 * 2 * w + w);
        c20.Store(tile + 2 * 2 * w);
        c21.Store(tile + 2 * 2 * w + w);
        c30.Store(tile + 3 * 2 * w);
        c31.Store(tile + 3 * 2 * w + w);
        c40.Store(tile + 4 * 2 * w);
        c41.Store(tile + 4 * 2 * w + w);
        c50.Store(tile + 5 * 2 * w);
        c51.Store(tile + 5 * 2 * w + w);
    }

    /// <summary>Portable 4 x 4 tile for machines without 256-bit FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void TileScalar<T>(int kc, T* a, T* b, T* tile) where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int MR = 4, NR = 4;
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
    }
}
