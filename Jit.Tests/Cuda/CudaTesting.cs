using Jit.Backends.Cuda;

namespace Jit.Tests.Cuda;

/// <summary>The CUDA backend over ILGPU's CPU accelerator, shared by the CUDA tests (opening one costs ILGPU's start-up).</summary>
internal static class CudaTesting
{
    private static readonly Lazy<CudaBackend> SharedBackend = new(() => CudaBackend.OnCpuAccelerator());

    public static CudaBackend Shared => SharedBackend.Value;
}
