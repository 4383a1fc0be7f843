using Jit.Runtime;

namespace Jit.Backends.Cuda.Kernels;

/// <summary>
/// The CUDA backend's built-in kernels, added to each backend's own table when it opens: copy_,
/// the GEMM family through cuBLAS where the library loads (on a GPU), and every other extern op
/// from the TE templates every GPU backend renders.
/// </summary>
public static class CudaKernelRegistration
{
    public static void RegisterAll(CudaBackend backend, KernelTable table, CudaBackendOptions options)
    {
        table.Add("aten::copy_", backend.CopyKernel.Run);
        CublasKernels.TryRegister(backend, table, options);
        Jit.Kernels.GpuExternKernels.Register(table, backend.GpuKernels);
    }
}
