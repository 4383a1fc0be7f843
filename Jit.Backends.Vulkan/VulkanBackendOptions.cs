namespace Jit.Backends.Vulkan;

/// <summary>How a <see cref="VulkanBackend"/> is opened.</summary>
public sealed record VulkanBackendOptions
{
    /// <summary>
    /// Turn on the Khronos validation layer (VK_LAYER_KHRONOS_validation with VK_EXT_debug_utils)
    /// and collect its messages in <see cref="VulkanBackend.ValidationMessages"/>; default: on when
    /// the environment variable <c>JIT_VULKAN_VALIDATION=1</c>.
    /// </summary>
    public bool Validation { get; init; } = Environment.GetEnvironmentVariable("JIT_VULKAN_VALIDATION") == "1";

    /// <summary>Also print each validation message to stderr as it arrives (default: with <c>JIT_VULKAN_VALIDATION=1</c>).</summary>
    public bool ValidationToStderr { get; init; } = Environment.GetEnvironmentVariable("JIT_VULKAN_VALIDATION") == "1";

    /// <summary>Keep the driver's pipeline cache on disk (default true).</summary>
    public bool DiskCache { get; init; } = true;

    /// <summary>
    /// Where the pipeline cache goes; null: <c>$JIT_CACHE_DIR/vulkan</c>, else
    /// <c>$XDG_CACHE_HOME/jit-dotnet/vulkan</c>, else <c>~/.cache/jit-dotnet/vulkan</c>.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>The most work-groups one dispatch uses (stages are grid-stride loops); 0: 4096.</summary>
    public int MaxGroups { get; init; }

    /// <summary>
    /// Move every upload and download through a staging buffer even where device memory is
    /// host-visible (the path a discrete GPU's device-local memory takes); for tests.
    /// </summary>
    public bool ForceStaging { get; init; }
}
