using Jit.Backends.Vulkan;
using Jit.Runtime;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Vulkan;

/// <summary>
/// Helpers for the Vulkan tests: backends with the Khronos validation layer on (where installed)
/// and no disk cache, and the assertion that the layer said nothing.
/// </summary>
internal static class VulkanTesting
{
    /// <summary>Whether the validation layer is installed (the tests turn it on where it is).</summary>
    public static bool HasValidationLayer { get; } = Backends.Vulkan.Native.VulkanApi.TryGet(out _) is { } vk
        && VulkanInstance.HasLayer(vk, VulkanInstance.ValidationLayer);

    public static VulkanBackend Open(string? cacheDirectory = null, bool forceStaging = false) =>
        new(new Device(DeviceKind.Vulkan), Options(cacheDirectory, forceStaging));

    public static VulkanBackendOptions Options(string? cacheDirectory = null, bool forceStaging = false) => new()
    {
        Validation = HasValidationLayer,
        ValidationToStderr = false,
        DiskCache = cacheDirectory is not null,
        CacheDirectory = cacheDirectory,
        ForceStaging = forceStaging,
    };

    /// <summary>A contiguous float tensor [<paramref name="sizes"/>] holding seed, seed + 0.5, ….</summary>
    public static Tensor Iota(float seed, params long[] sizes) => Testing.DeviceTesting.Iota(seed, sizes);

    /// <summary>The elements of a float tensor of any strides, on the host or the device, in row-major order.</summary>
    public static float[] Elements(Tensor t) => Testing.DeviceTesting.Elements(t);

    /// <summary>Any validation message fails the test: those after the first <paramref name="since"/> (a shared backend's earlier ones belong to earlier tests).</summary>
    public static void AssertValidationClean(VulkanBackend backend, int since = 0)
    {
        var messages = backend.ValidationMessages.Skip(since).ToList();
        Assert.True(messages.Count == 0, $"{messages.Count} validation messages, the first: {messages.FirstOrDefault()}");
    }
}
