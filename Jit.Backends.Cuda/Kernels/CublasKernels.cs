using Jit.Backends.Cuda.Native;
using Jit.Runtime;

namespace Jit.Backends.Cuda.Kernels;

/// <summary>
/// Where cuBLAS runs the GEMM family. Not wired yet: matmul, linear, bmm and addmm run the TE
/// templates (the tiled matrix product) on every CUDA device. Where the library is missing on a
/// GPU this is said once on stderr, as the issue asks, and nothing fails.
/// </summary>
internal static class CublasKernels
{
    private static int _warned;

    public static void TryRegister(CudaBackend backend, KernelTable table, CudaBackendOptions options)
    {
        if (backend.IsCpuAccelerator) return;
        if (!NativeLibraries.CanLoad(NativeLibraries.Cublas) && Interlocked.Exchange(ref _warned, 1) == 0)
            Console.Error.WriteLine($"jit: warning: {NativeLibraries.Cublas} not found: matrix products on {backend.Device} run the TE template");
    }
}
