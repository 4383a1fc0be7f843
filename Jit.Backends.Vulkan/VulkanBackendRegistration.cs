using Jit.Runtime;

namespace Jit.Backends.Vulkan;

/// <summary>Explicit registration: <c>registry.AddVulkan()</c> makes <c>vulkan[:N]</c> openable.</summary>
public static class VulkanBackendRegistration
{
    public static BackendRegistry AddVulkan(this BackendRegistry registry, VulkanBackendOptions? options = null)
    {
        registry.Register(DeviceKind.Vulkan, d => new VulkanBackend(d, options));
        return registry;
    }
}
