using Jit.Backends.Vulkan.Native;
using Jit.Errors;
using Silk.NET.Vulkan;
using Xunit;

namespace Jit.Tests.Vulkan;

/// <summary>The native layer's messages; needs no device.</summary>
public sealed class VulkanApiTests
{
    [Fact]
    public void AFailedResultNamesTheCallAndTheError()
    {
        var e = Assert.Throws<JitDeviceException>(() => VulkanApi.Check(Result.ErrorDeviceLost, "vkQueueSubmit", "vulkan:0"));
        Assert.Equal("VK_ERROR_DEVICE_LOST", e.NativeName);
        Assert.Contains("vkQueueSubmit", e.Message);
        Assert.Contains("vulkan:0", e.Message);
        Assert.Contains("lost", e.Message);
        var oom = Assert.Throws<JitDeviceException>(() => VulkanApi.Check(Result.ErrorOutOfDeviceMemory, "vkAllocateMemory", "vulkan:0"));
        Assert.Equal("VK_ERROR_OUT_OF_DEVICE_MEMORY", oom.NativeName);
        VulkanApi.Check(Result.Success, "fine", "vulkan:0");
        Assert.Equal("VkResult -12345", VulkanApi.Name((Result)(-12345)));
    }

    [Fact]
    public void AMissingLoaderIsNamedWithHowToInstallIt()
    {
        string reason = VulkanApi.LoadFailure(new FileNotFoundException("Could not find or load the native library: libvulkan.so.1\nmore"));
        Assert.Contains("libvulkan.so.1", reason);
        Assert.Contains("mesa-vulkan-drivers", reason);
        Assert.DoesNotContain("\n", reason);
    }
}
