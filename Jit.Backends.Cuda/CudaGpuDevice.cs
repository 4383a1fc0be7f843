using Jit.Backends.Cuda.Codegen;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Jit.TensorExpr;

namespace Jit.Backends.Cuda;

/// <summary>The CUDA backend's <see cref="IGpuDevice"/>: a TE kernel scheduled, emitted as kernel IL, compiled by ILGPU and loaded.</summary>
internal sealed class CudaGpuDevice(CudaBackend backend) : IGpuDevice
{
    public IBackend Backend => backend;

    public IGpuKernel Compile(TeKernel kernel)
    {
        var assembly = KernelAssembly.Emit(kernel, backend.LocalSize);
        return new CompiledCudaProgram(backend, kernel, assembly.Scheduled, backend.Loader.Load(assembly));
    }
}
