using Jit.Backends.Cuda;
using Jit.Errors;
using Jit.Runtime;
using Xunit;

namespace Jit.Tests.Conformance;

/// <summary>
/// The conformance suite on a real <c>cuda:0</c> (scripts/gpu-check.sh runs it on a lent GPU): the
/// same cases and fixtures as <see cref="CudaConformanceTests"/>, through the driver, PTX and
/// cuBLAS. Skipped, saying why, where no NVIDIA driver and device can be opened (as in CI).
/// </summary>
public sealed class CudaDeviceConformanceTests : BackendConformance
{
    private static readonly Lazy<(CudaBackend? Backend, string Reason)> Shared = new(() =>
    {
        try
        {
            return (new CudaBackend(new Device(DeviceKind.Cuda, 0)), "");
        }
        catch (DeviceUnavailableException e)
        {
            return (null, e.Message);
        }
    });

    /// <summary>The real device, or null; <see cref="UnavailableReason"/> says why.</summary>
    internal static CudaBackend? Gpu => Shared.Value.Backend;

    protected override IBackend? Backend => Gpu;

    protected override string UnavailableReason => Shared.Value.Reason;

    [Theory]
    [MemberData(nameof(SampledCaseRows), MemberType = typeof(BackendConformance))]
    public void OpCaseMatchesPyTorch(int index, string description)
    {
        SkipWithoutGpu();
        RunCase(index, description);
    }

    [Theory]
    [MemberData(nameof(ModelNames), MemberType = typeof(BackendConformance))]
    public void ModelMatchesPyTorch(string name)
    {
        SkipWithoutGpu();
        var hostSteps = RunModel(name) ?? [];
        Assert.All(hostSteps, op => Assert.True(CudaConformanceTests.HostStepsAllowed.ContainsKey(op), $"{name}: {op} runs on the host"));
    }

    private void SkipWithoutGpu()
    {
        if (Gpu is null) Assert.Skip($"no CUDA GPU: {UnavailableReason}");
    }
}
