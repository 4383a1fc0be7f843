namespace Jit.Tests.Conformance;

/// <summary>
/// The Vulkan conformance suite's skip list: op cases (by description or op) it does not check,
/// each with its reason. Empty: all 3,697 cases pass on lavapipe (<c>JIT_CONFORMANCE=all</c>);
/// float16/bfloat16 and float64 transcendentals run as host steps (see docs/DEVICES.md).
/// </summary>
internal static class VulkanUnsupported
{
    public static readonly IReadOnlyDictionary<string, string> Cases = new Dictionary<string, string>();
}
