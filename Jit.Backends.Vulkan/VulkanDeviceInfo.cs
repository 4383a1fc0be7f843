namespace Jit.Backends.Vulkan;

/// <summary>
/// One Vulkan physical device as read from the driver: identity, the features kernels may need
/// (by their Vulkan names), the limits launches respect, and the compute queue family.
/// </summary>
public sealed record VulkanDeviceInfo(
    int Index,
    string Name,
    string Type,
    uint ApiVersion,
    uint DriverVersion,
    IReadOnlySet<string> Features,
    int SubgroupSize,
    int MaxPushConstantBytes,
    int MaxWorkGroupSize,
    long MaxWorkGroupCount,
    long MaxStorageBufferRange,
    long MinStorageBufferOffsetAlignment,
    long MaxAllocationBytes,
    float TimestampPeriodNs,
    int QueueFamily,
    bool QueueHasTimestamps,
    byte[] PipelineCacheUuid)
{
    /// <summary>The Vulkan version as major.minor.patch.</summary>
    public string Version => $"{ApiVersion >> 22}.{(ApiVersion >> 12) & 0x3ff}.{ApiVersion & 0xfff}";

    public override string ToString() => $"vulkan:{Index} {Name} ({Type}, Vulkan {Version}, subgroup {SubgroupSize})";
}
