using Jit.Runtime;

namespace Jit.Backends.OpenCL.Kernels;

/// <summary>
/// The OpenCL backend's built-in kernels, added to each backend's own table when it opens (kernels
/// capture their backend: its queue, allocator and program cache). Add a kernel here with
/// <c>table.Add("aten::name.overload", kernel)</c>; applications may add their own to
/// <see cref="OpenCLBackend.Kernels"/> after opening.
/// </summary>
public static class OpenCLKernelRegistration
{
    public static void RegisterAll(OpenCLBackend backend, KernelTable table)
    {
        table.Add("aten::copy_", backend.CopyKernel.Run);
        // Matmul, conv, pooling, gather, concatenation: the TE templates every GPU backend renders.
        Jit.Kernels.GpuExternKernels.Register(table, backend.GpuKernels);
    }
}
