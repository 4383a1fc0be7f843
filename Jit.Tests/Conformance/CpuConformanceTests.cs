using Jit.Runtime;
using Xunit;

namespace Jit.Tests.Conformance;

/// <summary>The conformance suite on the CPU: every op case as a one-op plan of the static runtime, every model fixture fused.</summary>
public sealed class CpuConformanceTests : BackendConformance
{
    protected override IBackend? Backend => Host;

    [Theory]
    [MemberData(nameof(CaseRows), MemberType = typeof(BackendConformance))]
    public void OpCaseMatchesPyTorch(int index, string description) => RunCase(index, description);

    [Theory]
    [MemberData(nameof(ModelNames), MemberType = typeof(BackendConformance))]
    public void ModelMatchesPyTorch(string name) => Assert.Empty(RunModel(name) ?? []);
}
