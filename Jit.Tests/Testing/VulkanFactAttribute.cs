using Jit.Backends.Vulkan;
using Xunit;

namespace Jit.Tests.Testing;

/// <summary>A fact that needs a Vulkan device (lavapipe in CI); it is skipped, saying why, where none can be opened.</summary>
public sealed class VulkanFactAttribute : FactAttribute
{
    /// <summary>Why Vulkan tests skip on this machine; null where a device opens.</summary>
    public static string? SkipReason => Reason.Value;

    private static readonly Lazy<string?> Reason = new(() =>
        VulkanDevices.IsAvailable(out var reason) ? null : $"no Vulkan device: {reason}");

    public VulkanFactAttribute([System.Runtime.CompilerServices.CallerFilePath] string? sourceFilePath = null, [System.Runtime.CompilerServices.CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (Reason.Value is { } reason) Skip = reason;
    }
}
