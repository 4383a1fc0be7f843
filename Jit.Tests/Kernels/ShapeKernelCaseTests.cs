using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Kernels;

/// <summary>
/// Every case of fixtures/ops/shape.json (tools/fixtures/ops_shape.py) through the CPU kernel
/// table. Cases tagged "[view]" must also be views: same storage as the input, PyTorch's strides
/// and storage offset.
/// </summary>
public sealed class ShapeKernelCaseTests
{
    private static readonly Lazy<IReadOnlyList<OpCase>> Cases = new(() => OpCaseFile.Load("shape"));

    public static TheoryData<int, string> CaseIndices()
    {
        var data = new TheoryData<int, string>();
        for (int i = 0; i < Cases.Value.Count; i++) data.Add(i, Cases.Value[i].ToString());
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void MatchesPyTorch(int index, string name)
    {
        var c = Cases.Value[index];
        Assert.True(ShapeTestValues.CpuKernels.TryGet(c.Op, out var kernel), $"no CPU kernel for {c.Op}");
        var outputs = new IValue[c.Outputs.Length];
        kernel(c.Inputs, outputs);
        string where = $"case {index}: {name}";
        for (int i = 0; i < outputs.Length; i++)
        {
            // Default tolerances hold for matmul/conv too: the fixtures' sums are short (K <= 70).
            ValueAssert.Close(c.Outputs[i], outputs[i], 1e-4, 1e-5, where);
            if (c.Note.StartsWith("[view]", StringComparison.Ordinal))
                AssertSameView(c.Inputs[0].AsTensor, c.Outputs[i], outputs[i], where);
        }
    }

    private static void AssertSameView(Tensor input, IValue expected, IValue actual, string where)
    {
        if (expected.IsList)
        {
            for (int i = 0; i < expected.AsList.Count; i++) AssertSameView(input, expected.AsList[i], actual.AsList[i], $"{where}[{i}]");
            return;
        }
        var e = expected.AsTensor;
        var a = actual.AsTensor;
        Assert.True(ReferenceEquals(input.Storage, a.Storage), $"{where}: result is a copy, expected a view of the input");
        Assert.True(e.Strides.SequenceEqual(a.Strides), $"{where}: strides {ShapeUtil.Format(a.Strides)}, expected {ShapeUtil.Format(e.Strides)}");
        Assert.True(e.StorageOffset == a.StorageOffset, $"{where}: storage offset {a.StorageOffset}, expected {e.StorageOffset}");
    }
}
