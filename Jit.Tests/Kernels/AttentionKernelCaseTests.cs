using Jit.Backends.Cpu;
using Jit.Runtime;
using Jit.Runtime.Host;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Kernels;

/// <summary>
/// Every case of fixtures/ops/attention.json (written by tools/fixtures/ops_attention.py from
/// PyTorch 1.13) through the CPU kernels of _native_multi_head_attention and
/// _transformer_encoder_layer_fwd, at rtol 1e-4 / atol 1e-5.
/// </summary>
public sealed class AttentionKernelCaseTests
{
    private static readonly Lazy<IReadOnlyList<OpCase>> Cases = new(() => OpCaseFile.Load("attention"));
    private static readonly Lazy<KernelTable> Kernels = new(() => new CpuBackend(Device.Cpu).Kernels);

    public static IEnumerable<object[]> CaseIndices() =>
        Enumerable.Range(0, Cases.Value.Count).Select(i => new object[] { i, Cases.Value[i].ToString() });

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void MatchesPyTorch(int index, string description)
    {
        var c = Cases.Value[index];
        Assert.True(Kernels.Value.TryGet(c.Op, out var kernel) || HostKernels.Table.TryGet(c.Op, out kernel), $"no kernel for {c.Op}");
        var outputs = new IValue[c.Outputs.Length];
        kernel(c.Inputs, outputs);
        for (int i = 0; i < outputs.Length; i++)
            ValueAssert.Close(c.Outputs[i], outputs[i], 1e-4, 1e-5, $"{description} output {i}");
    }
}
