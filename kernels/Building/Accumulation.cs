using Jit.Tensors;

namespace Jit.Kernels.Building;

/// <summary>The dtype sums and products of a dtype are accumulated in: float32 for the half types (PyTorch's opmath), the dtype itself otherwise (integers wrap as on the CPU).</summary>
internal static class Accumulation
{
    public static DType Of(DType dtype) => dtype is DType.Float16 or DType.BFloat16 ? DType.Float32 : dtype;

    /// <summary>Dtypes a GEMM-like template (matmul, conv) takes: floating and integer, not bool.</summary>
    public static bool IsNumeric(DType dtype) => dtype.IsFloatingPoint() || dtype.IsIntegral();
}
