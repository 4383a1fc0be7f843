using Jit.Errors;
using Silk.NET.Vulkan;

namespace Jit.Backends.Vulkan.Native;

/// <summary>
/// Extension entry points Silk.NET's core binding does not load for us, taken from the device or
/// instance by name: <c>vkCmdPushDescriptorSetKHR</c> (VK_KHR_push_descriptor, how launches bind
/// their buffers without descriptor pools).
/// </summary>
internal sealed unsafe class VulkanEntryPoints
{
    private readonly delegate* unmanaged<CommandBuffer, PipelineBindPoint, PipelineLayout, uint, uint, WriteDescriptorSet*, void> _pushDescriptorSet;

    public VulkanEntryPoints(Vk vk, Silk.NET.Vulkan.Device device, string deviceName)
    {
        var p = vk.GetDeviceProcAddr(device, "vkCmdPushDescriptorSetKHR");
        if (p.Handle == null)
            throw new DeviceUnavailableException(deviceName, "the device lacks vkCmdPushDescriptorSetKHR (VK_KHR_push_descriptor), which this backend binds buffers with");
        _pushDescriptorSet = (delegate* unmanaged<CommandBuffer, PipelineBindPoint, PipelineLayout, uint, uint, WriteDescriptorSet*, void>)p.Handle;
    }

    public void CmdPushDescriptorSet(CommandBuffer commands, PipelineLayout layout, ReadOnlySpan<WriteDescriptorSet> writes)
    {
        fixed (WriteDescriptorSet* w = writes)
            _pushDescriptorSet(commands, PipelineBindPoint.Compute, layout, 0, (uint)writes.Length, w);
    }
}
