using Jit.Backends.OpenCL;
using Jit.Runtime;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Conformance;

/// <summary>
/// The conformance suite on <c>opencl</c> (PoCL on a CPU in CI): every op case and every model
/// fixture within the CPU tests' tolerances. Model fixtures must also run with no tensor op on the
/// host, except those listed with the reason.
/// </summary>
public sealed class OpenCLConformanceTests : BackendConformance
{
    private static readonly Lazy<OpenCLBackend?> Shared = new(() =>
        OpenCLDevices.IsAvailable(out _) ? new OpenCLBackend(new Device(DeviceKind.OpenCL)) : null);

    protected override IBackend? Backend => Shared.Value;

    protected override string UnavailableReason => OpenCLDevices.IsAvailable(out var reason) ? "" : reason ?? "";

    /// <summary>Tensor ops of the model fixtures that still run on the host, with the reason.</summary>
    public static readonly IReadOnlyDictionary<string, string> HostStepsAllowed = new Dictionary<string, string>();

    [OpenCLTheory]
    [MemberData(nameof(SampledCaseRows), MemberType = typeof(BackendConformance))]
    public void OpCaseMatchesPyTorch(int index, string description) => RunCase(index, description);

    [OpenCLTheory]
    [MemberData(nameof(ModelNames), MemberType = typeof(BackendConformance))]
    public void ModelMatchesPyTorch(string name)
    {
        var hostSteps = RunModel(name) ?? [];
        Assert.All(hostSteps, op => Assert.True(HostStepsAllowed.ContainsKey(op), $"{name}: {op} runs on the host"));
    }
}
