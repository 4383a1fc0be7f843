using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Copies a block of A or B into the panel order the micro-kernels read sequentially, through
/// the operand's row and column strides, so a transposed or strided operand costs no separate
/// copy. Rows of A (columns of B) past the matrix edge are zero-filled: edge tiles then run the
/// same kernel, and their padding lanes are simply not stored. Row-major sources (the common
/// case) are read along their contiguous rows, float32 A by 4 x 4 transposes, and the rows ahead
/// are prefetched: the block comes from L3 and rows a page apart defeat the hardware
/// prefetcher. Packing one panel at a time with scalar copies took 12% of a 1024³ product.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>A[i0.., p0..] (rows x kc) → panels of mr rows, each laid out [kc][mr].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<T>(T* a, long rs, long cs, int rows, int kc, int mr, T* dst) where T : unmanaged
    {
        for (int t = 0; t < rows; t += mr)
        {
            int valid = Math.Min(mr, rows - t);
            T* panel = dst + (long)t * kc;
            int r = 0;
            if (rs == 1 && cs != 1)
            {
                // Column-major A (a channels-first activation read as rows): each k is a run of rows.
                for (int p = 0; p < kc; p++)
                {
                    T* src = a + t + p * cs;
                    T* d = panel + (long)p * mr;
                    for (int q = 0; q < valid; q++) d[q] = src[q];
                }
                r = valid;
            }
            if (typeof(T) == typeof(float) && cs == 1 && Sse.IsSupported)
                for (; r + 4 <= valid; r += 4)
                    Transpose4Rows((float*)(a + (t + r) * rs), rs, kc, mr, (float*)(panel + r));
            for (; r < valid; r++)
            {
                T* src = a + (t + r) * rs;
                T* d = panel + r;
                if (cs == 1)
                    for (int p = 0; p < kc; p++) d[p * mr] = src[p];
                else
                    for (int p = 0; p < kc; p++) d[p * mr] = src[p * cs];
            }
            for (r = valid; r < mr; r++)
                for (int p = 0; p < kc; p++) panel[p * mr + r] = default;
        }
    }

    /// <summary>Four contiguous rows of kc floats, <paramref name="rs"/> apart → d[p·ld + 0..4), by 4 x 4 transposes.</summary>
    private static void Transpose4Rows(float* s, long rs, int kc, int ld, float* d)
    {
        float* s0 = s, s1 = s + rs, s2 = s + 2 * rs, s3 = s + 3 * rs;
        int p = 0;
        for (; p + 4 <= kc; p += 4)
        {
            if ((p & 15) == 0)
            {
                Sse.Prefetch0(s0 + p + 64);
                Sse.Prefetch0(s1 + p + 64);
                Sse.Prefetch0(s2 + p + 64);
                Sse.Prefetch0(s3 + p + 64);
            }
            var r0 = Sse.LoadVector128(s0 + p);
            var r1 = Sse.LoadVector128(s1 + p);
            var r2 = Sse.LoadVector128(s2 + p);
            var r3 = Sse.LoadVector128(s3 + p);
            var t0 = Sse.UnpackLow(r0, r1);   // r0[0] r1[0] r0[1] r1[1]
            var t1 = Sse.UnpackLow(r2, r3);   // r2[0] r3[0] r2[1] r3[1]
            var t2 = Sse.UnpackHigh(r0, r1);  // r0[2] r1[2] r0[3] r1[3]
            var t3 = Sse.UnpackHigh(r2, r3);  // r2[2] r3[2] r2[3] r3[3]
            float* o = d + (long)p * ld;
            Sse.Store(o, Sse.MoveLowToHigh(t0, t1));
            Sse.Store(o + ld, Sse.MoveHighToLow(t1, t0));
            Sse.Store(o + 2 * ld, Sse.MoveLowToHigh(t2, t3));
            Sse.Store(o + 3 * ld, Sse.MoveHighToLow(t3, t2));
        }
        for (; p < kc; p++)
        {
            float* o = d + (long)p * ld;
            o[0] = s0[p];
            o[1] = s1[p];
            o[2] = s2[p];
            o[3] = s3[p];
        }
    }

    /// <summary>B[p0.., j0..] (kc x cols) → panels of nr columns, each laid out [kc][nr].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB<T>(T* b, long rs, long cs, int kc, int cols, int nr, T* dst) where T : unmanaged
    {
        int full = cs == 1 ? cols / nr * nr : 0;
        if (full > 0)
        {
            // Row-major B: read each k row once, left to right, dealing its runs of nr elements
            // out to the full panels.
            long panelStride = (long)nr * kc;
            int runBytes = nr * sizeof(T), rowBytes = full * sizeof(T);
            for (int p = 0; p < kc; p++)
            {
                T* row = b + p * rs;
                if (Sse.IsSupported && p + 2 < kc)
                    for (int x = 0; x < rowBytes; x += 64) Sse.Prefetch0((byte*)(row + 2 * rs) + x);
                T* d = dst + (long)p * nr;
                for (int u = 0; u < full; u += nr, d += panelStride) CopyRun((byte*)(row + u), (byte*)d, runBytes);
            }
        }
        for (int u = full; u < cols; u += nr)
        {
            int valid = Math.Min(nr, cols - u);
            T* panel = dst + (long)u * kc;
            T* src = b + u * cs;
            if (rs == 1 && typeof(T) == typeof(float) && valid == nr && nr % 8 == 0 && Avx.IsSupported)
            {
                // Transposed float32 B (a linear layer's weight), a full panel: 8 x 8 blocks by
                // register transposes, the k tail by scalars.
                int p8 = kc / 8 * 8;
                for (int j = 0; j < nr; j += 8)
                {
                    for (int p = 0; p < p8; p += 8)
                        Transpose8x8((float*)(src + j * cs + p), cs, (float*)(panel + (long)p * nr + j), nr);
                    for (int jj = j; jj < j + 8; jj++)
                    {
                        T* col = src + jj * cs;
                        for (int p = p8; p < kc; p++) panel[p * nr + jj] = col[p];
                    }
                }
                continue;
            }
            if (rs == 1)
            {
                // Transposed B (a linear layer's weight): walk each column along k, contiguous.
                for (int j = 0; j < valid; j++)
                {
                    T* col = src + j * cs;
                    for (int p = 0; p < kc; p++) panel[p * nr + j] = col[p];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    T* row = src + p * rs;
                    for (int j = 0; j < valid; j++) panel[p * nr + j] = row[j * cs];
                }
            }
            for (int p = 0; p < kc; p++)
                for (int j = valid; j < nr; j++) panel[p * nr + j] = default;
        }
    }

    /// <summary>Eight rows of 8 floats, <paramref name="rs"/> apart → their transpose, rows <paramref name="ld"/> apart at <paramref name="d"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* s, long rs, float* d, long ld)
    {
        var r0 = Avx.LoadVector256(s);
        var r1 = Avx.LoadVector256(s + rs);
        var r2 = Avx.LoadVector256(s + 2 * rs);
        var r3 = Avx.LoadVector256(s + 3 * rs);
        var r4 = Avx.LoadVector256(s + 4 * rs);
        var r5 = Avx.LoadVector256(s + 5 * rs);
        var r6 = Avx.LoadVector256(s + 6 * rs);
        var r7 = Avx.LoadVector256(s + 7 * rs);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(d + ld, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(d + 2 * ld, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(d + 3 * ld, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(d + 4 * ld, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(d + 5 * ld, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(d + 6 * ld, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(d + 7 * ld, Avx.Permute2x128(s3, s7, 0x31));
    }

    /// <summary>Copies one run of a B row into its panel (64, 128 or 256 bytes for the vector kernels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRun(byte* s, byte* d, int bytes)
    {
        int x = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; x + 64 <= bytes; x += 64) Vector512.Store(Vector512.Load(s + x), d + x);
        for (; x + 16 <= bytes; x += 16) Vector128.Store(Vector128.Load(s + x), d + x);
        for (; x < bytes; x++) d[x] = s[x];
    }
}
