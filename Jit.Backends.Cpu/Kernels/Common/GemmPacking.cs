using System.Runtime.CompilerServices;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Copies a block of A or B into the panel order the micro-kernels read sequentially, through
/// the operand's row and column strides, so a transposed or strided operand costs no separate
/// copy. Rows of A (columns of B) past the matrix edge are zero-filled: edge tiles then run the
/// same kernel, and their padding lanes are simply not stored.
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
            for (int r = 0; r < valid; r++)
            {
                T* src = a + (t + r) * rs;
                T* d = panel + r;
                if (cs == 1)
                    for (int p = 0; p < kc; p++) d[p * mr] = src[p];
                else
                    for (int p = 0; p < kc; p++) d[p * mr] = src[p * cs];
            }
            for (int r = valid; r < mr; r++)
                for (int p = 0; p < kc; p++) panel[p * mr + r] = default;
        }
    }

    /// <summary>B[p0.., j0..] (kc x cols) → panels of nr columns, each laid out [kc][nr].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB<T>(T* b, long rs, long cs, int kc, int cols, int nr, T* dst) where T : unmanaged
    {
        for (int u = 0; u < cols; u += nr)
        {
            int valid = Math.Min(nr, cols - u);
            T* panel = dst + (long)u * kc;
            T* src = b + u * cs;
            if (cs == 1 && valid == nr)
            {
                // Row-major B: each k step is one contiguous run of nr elements.
                long bytes = (long)nr * sizeof(T);
                for (int p = 0; p < kc; p++)
                    Buffer.MemoryCopy(src + p * rs, panel + (long)p * nr, bytes, bytes);
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
}
