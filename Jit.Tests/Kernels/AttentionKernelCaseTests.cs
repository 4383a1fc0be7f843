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

    public static IEnumerable<object[]> CaseIndices() => OpCaseRunner.Rows(Cases);

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void MatchesPyTorch(int index, string description) => OpCaseRunner.Run(Cases.Value[index], description);
}
