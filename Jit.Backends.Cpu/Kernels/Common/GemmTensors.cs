using System.Numerics;
using System.Runtime.InteropServices;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>Builds <see cref="GemmArgs{T}"/> over tensor storage: strided 2-D views in, a row-major C region out.</summary>
internal static class GemmTensors
{
    /// <summary>
    /// C = alpha·A·B + beta·C (+ bias, relu) where A [M,K] and B [K,N] are any strided views and
    /// C [M,N] has unit column stride; biases must be contiguous 1-D tensors of the element type.
    /// Rank-3 operands ([B, M, K] and so on) give the product of batch entry <paramref name="batch"/>.
    /// </summary>
    public static GemmArgs<T> Args<T>(Tensor a, Tensor b, Tensor c, T alpha, T beta,
        Tensor? rowBias = null, Tensor? colBias = null, bool relu = false, long batch = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        return new GemmArgs<T>
        {
            M = checked((int)a.Sizes[^2]),
            K = checked((int)a.Sizes[^1]),
            N = checked((int)b.Sizes[^1]),
            A = Elements<T>(a),
            ALayout = new GemmLayout(Offset(a, batch), a.Strides[^2], a.Strides[^1]),
            B = Elements<T>(b),
            BLayout = new GemmLayout(Offset(b, batch), b.Strides[^2], b.Strides[^1]),
            C = MemoryMarshal.Cast<byte, T>(c.Storage.Bytes.Span),
            COffset = Offset(c, batch),
            // A one-row C may carry any row stride; the GEMM only needs ldc >= N.
            Ldc = c.Sizes[^2] == 1 ? c.Sizes[^1] : c.Strides[^2],
            Alpha = alpha,
            Beta = beta,
            RowBias = rowBias is null ? default : Elements<T>(rowBias).Slice((int)rowBias.StorageOffset, (int)rowBias.Sizes[0]),
            ColBias = colBias is null ? default : Elements<T>(colBias).Slice((int)colBias.StorageOffset, (int)colBias.Sizes[0]),
            Relu = relu,
        };
    }

    private static long Offset(Tensor t, long batch) => t.StorageOffset + (t.Rank == 3 ? batch * t.Strides[0] : 0);

    private static ReadOnlySpan<T> Elements<T>(Tensor t) where T : unmanaged => MemoryMarshal.Cast<byte, T>(t.Storage.Bytes.Span);
}
