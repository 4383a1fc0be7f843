using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The register-blocked kernels of <see cref="ConvDirect"/>: tile[MR, NR] = Σ_p a[p, 0..MR) ⊗
/// b[offsets[p] .. + NR), A packed as for <see cref="PackedGemm"/> (MR weights per k step) and B
/// read in place from the phase-split input, one row per k step at its own offset (an indirection
/// table instead of a packed panel). Each element sums over p in order with one fused multiply-add
/// per step, as the packed GEMM's kernels do.
/// </summary>
internal static class ConvMicroKernels
{
    /// <summary>12 x 2·Vector512&lt;T&gt;.Count tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Tile512<T, TM>(int kc, T* a, T* b, int* offsets, T* tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        int w = Vector512<T>.Count;
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<T> c90 = default, c91 = default, c100 = default, c101 = default, c110 = default, c111 = default;
        for (int p = 0; p < kc; p++, a += 12)
        {
            T* row = b + offsets[p];
            var b0 = Vector512.Load(row);
            var b1 = Vector512.Load(row + w);
            var x = Vector512.Create(a[0]); c00 = TM.Fma(x, b0, c00); c01 = TM.Fma(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = TM.Fma(x, b0, c10); c11 = TM.Fma(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = TM.Fma(x, b0, c20); c21 = TM.Fma(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = TM.Fma(x, b0, c30); c31 = TM.Fma(x, b1, c31);
            x = Vector512.Create(a[4]); c40 = TM.Fma(x, b0, c40); c41 = TM.Fma(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = TM.Fma(x, b0, c50); c51 = TM.Fma(x, b1, c51);
            x = Vector512.Create(a[6]); c60 = TM.Fma(x, b0, c60); c61 = TM.Fma(x, b1, c61);
            x = Vector512.Create(a[7]); c70 = TM.Fma(x, b0, c70); c71 = TM.Fma(x, b1, c71);
            x = Vector512.Create(a[8]); c80 = TM.Fma(x, b0, c80); c81 = TM.Fma(x, b1, c81);
            x = Vector512.Create(a[9]); c90 = TM.Fma(x, b0, c90); c91 = TM.Fma(x, b1, c91);
            x = Vector512.Create(a[10]); c100 = TM.Fma(x, b0, c100); c101 = TM.Fma(x, b1, c101);
            x = Vector512.Create(a[11]); c110 = TM.Fma(x, b0, c110); c111 = TM.Fma(x, b1, c111);
        }
        int ld = 2 * w;
        c00.Store(tile); c01.Store(tile + w); c10.Store(tile + ld); c11.Store(tile + ld + w);
        c20.Store(tile + 2 * ld); c21.Store(tile + 2 * ld + w); c30.Store(tile + 3 * ld); c31.Store(tile + 3 * ld + w);
        c40.Store(tile + 4 * ld); c41.Store(tile + 4 * ld + w); c50.Store(tile + 5 * ld); c51.Store(tile + 5 * ld + w);
        c60.Store(tile + 6 * ld); c61.Store(tile + 6 * ld + w); c70.Store(tile + 7 * ld); c71.Store(tile + 7 * ld + w);
        c80.Store(tile + 8 * ld); c81.Store(tile + 8 * ld + w); c90.Store(tile + 9 * ld); c91.Store(tile + 9 * ld + w);
        c100.Store(tile + 10 * ld); c101.Store(tile + 10 * ld + w); c110.Store(tile + 11 * ld); c111.Store(tile + 11 * ld + w);
    }

    /// <summary>6 x 2·Vector256&lt;T&gt;.Count tile, for machines without AVX-512.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static unsafe void Tile256<T, TM>(int kc, T* a, T* b, int* offsets, T* tile)
        where T : unmanaged, IFloatingPointIeee754<T> where TM : struct, IGemmMath<T>
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++, a += 6)
        {
            T* row = b + offsets[p];
            var b0 = Vector256.Load(row);
            var b1 = Vector256.Load(row + w);
            var x = Vector256.Create(a[0]); c00 = TM.Fma(x, b0, c00); c01 = TM.Fma(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = TM.Fma(x, b0, c10); c11 = TM.Fma(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = TM.Fma(x, b0, c20); c21 = TM.Fma(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = TM.Fma(x, b0, c30); c31 = TM.Fma(x, b1, c31);
            x = Vector256.Create(a[4]); c40 = TM.Fma(x, b0, c40); c41 = TM.Fma(x, b1, c41);
            x = Vector256.Create(a[5]); c50 = TM.Fma(x, b0, c50); c51 = TM.Fma(x, b1, c51);
        }
        int ld = 2 * w;
        c00.Store(tile); c01.Store(tile + w); c10.Store(tile + ld); c11.Store(tile + ld + w);
        c20.Store(tile + 2 * ld); c21.Store(tile + 2 * ld + w); c30.Store(tile + 3 * ld); c31.Store(tile + 3 * ld + w);
        c40.Store(tile + 4 * ld); c41.Store(tile + 4 * ld + w); c50.Store(tile + 5 * ld); c51.Store(tile + 5 * ld + w);
    }
}
