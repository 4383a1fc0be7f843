using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Kernels;

/// <summary>Every case of fixtures/ops/math.json (written by tools/fixtures/ops_math.py from PyTorch 1.13) through the CPU kernel table.</summary>
public sealed class MathKernelCaseTests
{
    private static readonly Lazy<IReadOnlyList<OpCase>> Cases = new(() => OpCaseFile.Load("math"));

    public static IEnumerable<object[]> CaseIndices() => OpCaseRunner.Rows(Cases);

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void MatchesPyTorch(int index, string description)
    {
        var c = Cases.Value[index];
        OpCaseRunner.Run(c, description, expected => OpCaseTolerance.For(c.Op, expected));
    }
}
