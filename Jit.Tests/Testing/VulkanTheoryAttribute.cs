using Xunit;

namespace Jit.Tests.Testing;

/// <summary>A theory that needs a Vulkan device; it is skipped, saying why (<see cref="VulkanFactAttribute.SkipReason"/>), where none can be opened.</summary>
public sealed class VulkanTheoryAttribute : TheoryAttribute
{
    public VulkanTheoryAttribute([System.Runtime.CompilerServices.CallerFilePath] string? sourceFilePath = null, [System.Runtime.CompilerServices.CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (VulkanFactAttribute.SkipReason is { } reason) Skip = reason;
    }
}
