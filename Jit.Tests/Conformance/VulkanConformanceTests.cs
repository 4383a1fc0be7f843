using Jit.Backends.Vulkan;
using Jit.Runtime;
using Jit.Tests.Testing;
using Jit.Tests.Vulkan;
using Xunit;

namespace Jit.Tests.Conformance;

/// <summary>
/// The conformance suite on <c>vulkan</c> (Mesa's lavapipe on a CPU in CI), with the Khronos
/// validation layer on: every sampled op case and every model fixture within the CPU tests'
/// tolerances, no validation message. Model fixtures must also run with no tensor op on the host,
/// except those listed with the reason.
/// </summary>
public sealed class VulkanConformanceTests : BackendConformance
{
    private static readonly Lazy<VulkanBackend?> Shared = new(() =>
        VulkanDevices.IsAvailable(out _) ? VulkanTesting.Open() : null);

    protected override IBackend? Backend => Shared.Value;

    protected override string UnavailableReason => VulkanDevices.IsAvailable(out var reason) ? "" : reason ?? "";

    /// <summary>Tensor ops of the model fixtures that still run on the host, with the reason.</summary>
    public static readonly IReadOnlyDictionary<string, string> HostStepsAllowed = new Dictionary<string, string>();

    /// <summary>What the Vulkan backend does not run, each with the reason (see docs/DEVICES.md).</summary>
    protected override IReadOnlyDictionary<string, string> Unsupported => VulkanUnsupported.Cases;

    [VulkanTheory]
    [MemberData(nameof(SampledCaseRows), MemberType = typeof(BackendConformance))]
    public void OpCaseMatchesPyTorch(int index, string description)
    {
        int before = Shared.Value?.ValidationMessages.Count ?? 0;
        RunCase(index, description);
        VulkanTesting.AssertValidationClean(Shared.Value!, before);
    }

    [VulkanTheory]
    [MemberData(nameof(ModelNames), MemberType = typeof(BackendConformance))]
    public void ModelMatchesPyTorch(string name)
    {
        int before = Shared.Value?.ValidationMessages.Count ?? 0;
        var hostSteps = RunModel(name) ?? [];
        Assert.All(hostSteps, op => Assert.True(HostStepsAllowed.ContainsKey(op), $"{name}: {op} runs on the host"));
        VulkanTesting.AssertValidationClean(Shared.Value!, before);
    }
}
