using Jit.Runtime;

namespace Jit.Backends.Vulkan.Kernels;

/// <summary>
/// The Vulkan backend's built-in kernels, added to each backend's own table when it opens (kernels
/// capture their backend). Add a kernel here with <c>table.Add("aten::name.overload", kernel)</c>.
/// </summary>
public static class VulkanKernelRegistration
{
    public static void RegisterAll(VulkanBackend backend, KernelTable table)
    {
        table.Add("aten::copy_", backend.CopyKernel.Run);
        // Matmul, conv, pooling, gather, concatenation: the TE templates every GPU backend renders.
        Jit.Kernels.GpuExternKernels.Register(table, backend.GpuKernels);
    }
}
