using System.Numerics;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>Where a GEMM operand's element (r, c) lives: span[Offset + r·RowStride + c·ColStride].</summary>
internal readonly record struct GemmLayout(long Offset, long RowStride, long ColStride);

/// <summary>
/// One product C[M,N] = alpha·A[M,K]·B[K,N] + beta·C (+ row or column bias, then relu), with C
/// row-major at <see cref="COffset"/> with leading dimension <see cref="Ldc"/>. C must not
/// overlap A or B. Empty bias spans mean no bias. A non-empty <see cref="Addend"/> (read at C's
/// offset and leading dimension) is added after the bias and before relu: a conv's fused residual.
/// </summary>
internal ref struct GemmArgs<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public int M;
    public int N;
    public int K;
    public ReadOnlySpan<T> A;
    public GemmLayout ALayout;
    public ReadOnlySpan<T> B;
    public GemmLayout BLayout;
    public Span<T> C;
    public long COffset;
    public long Ldc;
    public T Alpha;
    public T Beta;
    public ReadOnlySpan<T> RowBias;
    public ReadOnlySpan<T> ColBias;
    public ReadOnlySpan<T> Addend;
    public bool Relu;

    /// <summary>
    /// Optionally A already in the micro-kernel's panel order (<see cref="PackedWeightCache{T}"/>:
    /// panels of <see cref="PackedAMr"/> rows, [K][mr] each): the k-blocks read it in place
    /// instead of packing A on every call. Ignored when the kernel's MR differs.
    /// </summary>
    public ReadOnlySpan<T> PackedA;
    public int PackedAMr;
}
