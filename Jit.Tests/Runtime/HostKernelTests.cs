using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Host;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Runtime;

public sealed class HostKernelTests
{
    public static TheoryData<int> CaseIndices()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Cases.Value.Count; i++) data.Add(i);
        return data;
    }

    private static readonly Lazy<IReadOnlyList<OpCase>> Cases = new(() => OpCaseFile.Load("host"));

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void MatchesPyTorchOperators(int index)
    {
        var c = Cases.Value[index];
        Assert.True(HostKernels.Table.TryGet(c.Op, out var kernel), $"no host kernel for {c.Op}");
        var outputs = new IValue[c.Outputs.Length];
        kernel(c.Inputs, outputs);
        // Exact, except erf/log1p/expm1: .NET has no libm erf/log1p/expm1, and ours differ from
        // glibc's by a few ulps (float32 Scalar overloads by at most one float32 ulp).
        string fn = c.Op.Split("::")[1].Split('.')[0];
        double rtol = fn is "erf" or "log1p" or "expm1" ? (c.Op.EndsWith(".Scalar") ? 2e-7 : 4e-15) : 0;
        for (int i = 0; i < outputs.Length; i++)
            ValueAssert.Close(c.Outputs[i], outputs[i], rtol, 0, $"{c} with ({string.Join(", ", c.Inputs)})");
    }

    [Theory]
    [InlineData("aten::floordiv.int")]
    [InlineData("aten::remainder.int")]
    [InlineData("aten::div.int")]
    public void IntegerDivisionByZeroIsAnErrorNotACrash(string op)
    {
        // PyTorch 1.13 dies with SIGFPE here; we raise Python's ZeroDivisionError.
        HostKernels.Table.TryGet(op, out var kernel);
        var e = Assert.Throws<JitRuntimeException>(() => kernel([IValue.FromInt(5), IValue.FromInt(0)], new IValue[1]));
        Assert.Contains("ZeroDivisionError", e.Message);
    }

    // Expected values from PyTorch 1.13's torch._nested_tensor_from_mask_left_aligned.
    [Theory]
    [InlineData("TTF,TFF", true)]
    [InlineData("TFT,TFF", false)]
    [InlineData("FFF,TTT", true)]
    [InlineData("FTT,TTT", false)]
    public void NestedTensorFromMaskLeftAlignedTellsWhetherEachRowsTokensComeFirst(string rows, bool expected)
    {
        var bits = rows.Split(',');
        var mask = Jit.Tensors.Tensor.FromArray(bits.SelectMany(r => r.Select(c => c == 'T')).ToArray(), bits.Length, bits[0].Length);
        var t = Jit.Tensors.Tensor.Zeros(Jit.Tensors.DType.Float32, bits.Length, bits[0].Length, 4);
        HostKernels.Table.TryGet("aten::_nested_tensor_from_mask_left_aligned", out var kernel);
        var o = new IValue[1];
        kernel([IValue.FromTensor(t), IValue.FromTensor(mask)], o);
        Assert.Equal(expected, o[0].AsBool);
        var wide = Jit.Tensors.Tensor.Zeros(Jit.Tensors.DType.Float32, bits.Length, bits[0].Length + 1, 4);
        var e = Assert.Throws<JitRuntimeException>(() => kernel([IValue.FromTensor(wide), IValue.FromTensor(mask)], o));
        Assert.Contains("Mask size should match input size", e.Message);
    }

    [Fact]
    public void ListIndexOutOfRangeNamesTheIndexAndLength()
    {
        HostKernels.Table.TryGet("aten::__getitem__.t", out var kernel);
        var list = IValue.FromList(new IValueList(Jit.Ir.IntType.Instance, [1L, 2L]));
        var e = Assert.Throws<JitRuntimeException>(() => kernel([list, IValue.FromInt(5)], new IValue[1]));
        Assert.Contains("index 5 out of range for length 2", e.Message);
    }

    [Fact]
    public void FormatReplacesPlaceholdersInOrder()
    {
        HostKernels.Table.TryGet("aten::format", out var kernel);
        var o = new IValue[1];
        kernel([IValue.FromString("{} and {}"), IValue.FromInt(3), IValue.FromDouble(0.5)], o);
        Assert.Equal("3 and 0.5", o[0].AsString);
    }
}
