namespace Jit.Tests.Conformance;

/// <summary>The Vulkan conformance suite's skip list: op cases (by description or op) it does not check, each with its reason.</summary>
internal static class VulkanUnsupported
{
    public static readonly IReadOnlyDictionary<string, string> Cases = new Dictionary<string, string>();
}
