using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Kernels;

/// <summary>
/// Every case of fixtures/ops/coverage.json (written by tools/fixtures/ops_coverage.py from
/// PyTorch 1.13): the kernels added so that every registered op has one.
/// </summary>
public sealed class CoverageKernelCaseTests
{
    private static readonly Lazy<IReadOnlyList<OpCase>> Cases = new(() => OpCaseFile.Load("coverage"));

    public static IEnumerable<object[]> CaseIndices() => OpCaseRunner.Rows(Cases);

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void MatchesPyTorch(int index, string description) => OpCaseRunner.Run(Cases.Value[index], description);
}
