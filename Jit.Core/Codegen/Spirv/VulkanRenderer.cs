using Jit.TensorExpr;

namespace Jit.Codegen.Spirv;

/// <summary>Renders TE kernels as SPIR-V for Vulkan: the default GPU schedule, emitted by <see cref="SpirvKernelEmitter"/>.</summary>
public static class VulkanRenderer
{
    /// <summary>Schedules <paramref name="kernel"/> with <see cref="GpuSchedule"/> and emits it; see <see cref="SpirvProgram"/> for the ABI.</summary>
    public static SpirvProgram Render(TeKernel kernel) => Render(kernel, GpuSchedule.DefaultLocalSize);

    /// <summary>As <see cref="Render(TeKernel)"/> with work-groups of <paramref name="localSize"/> work-items (a power of two).</summary>
    public static SpirvProgram Render(TeKernel kernel, int localSize) => SpirvKernelEmitter.Emit(GpuSchedule.Apply(kernel, localSize));

    /// <summary>
    /// As <see cref="Render(TeKernel, int)"/> for a device whose push constants hold at most
    /// <paramref name="maxPushConstantBytes"/>: a larger argument block becomes a storage buffer
    /// (<see cref="SpirvProgram.ArgumentsInBuffer"/>).
    /// </summary>
    public static SpirvProgram Render(TeKernel kernel, int localSize, int maxPushConstantBytes) =>
        SpirvKernelEmitter.Emit(GpuSchedule.Apply(kernel, localSize), maxPushConstantBytes);
}
