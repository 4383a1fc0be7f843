using Jit.Backends.Cpu;
using Jit.Runtime;
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
    private static readonly Lazy<KernelTable> Kernels = new(() => new CpuBackend(Device.Cpu).Kernels);

    public static IEnumerable<object[]> CaseIndices() =>
        Enumerable.Range(0, Cases.Value.Count).Select(i => new object[] { i, Cases.Value[i].ToString() });

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void MatchesPyTorch(int index, string description)
    {
        var c = Cases.Value[index];
        Assert.True(Kernels.Value.TryGet(c.Op, out var kernel), $"no CPU kernel for {c.Op}");
        var outputs = new IValue[c.Outputs.Length];
        kernel(c.Inputs, outputs);
        for (int i = 0; i < outputs.Length; i++)
            ValueAssert.Close(c.Outputs[i], outputs[i], 1e-4, 1e-5, $"{description} output {i}");
        // In-place variants write into self and return it.
        if (c.Op.Split("::")[1].Split('.')[0].EndsWith('_'))
            Assert.Same(c.Inputs[0].AsTensor, outputs[0].AsTensor);
    }
}
