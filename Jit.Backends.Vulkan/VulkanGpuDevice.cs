using Jit.Codegen;
using Jit.Codegen.Spirv;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Jit.TensorExpr;

namespace Jit.Backends.Vulkan;

/// <summary>What the device-independent kernel glue needs of Vulkan: the SPIR-V rendering (sized to the device's limits) and the launcher.</summary>
internal sealed class VulkanGpuDevice(VulkanBackend backend) : IGpuDevice
{
    public IBackend Backend => backend;

    public IGpuKernel Compile(TeKernel kernel)
    {
        int localSize = (int)Math.Min(GpuSchedule.DefaultLocalSize, backend.Info.MaxWorkGroupSize);
        var program = VulkanRenderer.Render(kernel, localSize, backend.Info.MaxPushConstantBytes);
        return new VulkanKernel(backend, backend.Build(program));
    }
}
