using Jit.Backends.Cpu;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Kernels;

/// <summary>
/// The out-variant of _transformer_encoder_layer_fwd writes what the ordinary kernel returns,
/// for every encoder case of fixtures/ops/attention.json, into a contiguous destination and
/// into a strided one.
/// </summary>
public sealed class AttentionOutVariantTests
{
    private const string Op = "aten::_transformer_encoder_layer_fwd";
    private static readonly Lazy<IReadOnlyList<OpCase>> Cases = new(() => OpCaseFile.Load("attention").Where(c => c.Op == Op).ToList());
    private static readonly KernelTable Kernels = new CpuBackend(Device.Cpu).Kernels;

    public static IEnumerable<object[]> CaseIndices() => OpCaseRunner.Rows(Cases);

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void WritesWhatTheKernelReturns(int index, string description)
    {
        var c = Cases.Value[index];
        Assert.True(Kernels.TryGet(Op, out var kernel));
        Assert.True(Kernels.TryGetOut(Op, out var outKernel));
        var expected = new IValue[1];
        kernel(c.Inputs, expected);
        var e = expected[0].AsTensor;

        var contiguous = Tensor.Empty(e.DType, e.Sizes);
        outKernel(c.Inputs, [contiguous]);
        Assert.True(e.ToDoubleArray().SequenceEqual(contiguous.ToDoubleArray()), description);

        // [B, T, E] as a transposed view of a [B, E, T] buffer: computed aside, then copied in.
        long[] s = e.SizesArray();
        var strided = Tensor.Empty(e.DType, s[0], s[2], s[1]).AsStrided(s, [s[1] * s[2], 1, s[1]]);
        outKernel(c.Inputs, [strided]);
        Assert.True(e.ToDoubleArray().SequenceEqual(strided.ToDoubleArray()), description + " (strided destination)");
    }

    [Theory]
    [InlineData(DType.Float64, 1e-4)]
    [InlineData(DType.Float16, 1e-2)] // computed in float32, rounded to half at both ends
    public void OtherFloatTypesMatchPyTorch(DType dtype, double tolerance)
    {
        // PyTorch's float32 results for inputs exactly representable in every float type.
        foreach (var c in Cases.Value.Where(c => c.Inputs[0].AsTensor.NumElements > 0))
        {
            var inputs = c.Inputs.Select(v => v.IsTensor && v.AsTensor.DType == DType.Float32
                ? IValue.FromTensor(Backends.Cpu.Kernels.Common.ShapeCopy.ToContiguous(v.AsTensor, dtype)) : v).ToArray();
            Assert.True(Kernels.TryGet(Op, out var kernel));
            var actual = new IValue[1];
            kernel(inputs, actual);
            Assert.Equal(dtype, actual[0].AsTensor.DType);
            var asFloat = Backends.Cpu.Kernels.Common.ShapeCopy.ToContiguous(actual[0].AsTensor, DType.Float32);
            ValueAssert.TensorClose(c.Outputs[0].AsTensor, asFloat, tolerance, tolerance, c.ToString());
        }
    }

    [Fact]
    public void TheInputAsItsOwnDestination()
    {
        var c = Cases.Value[0];
        Assert.True(Kernels.TryGet(Op, out var kernel));
        Assert.True(Kernels.TryGetOut(Op, out var outKernel));
        var expected = new IValue[1];
        kernel(c.Inputs, expected);
        var inputs = c.Inputs.ToArray();
        var src = inputs[0].AsTensor.Clone();
        inputs[0] = src;
        outKernel(inputs, [src]);
        Assert.Equal(expected[0].AsTensor.ToDoubleArray(), src.ToDoubleArray());
    }

    [Fact]
    public void ADestinationOfOtherSizesIsAClearError()
    {
        var c = Cases.Value[0];
        Assert.True(Kernels.TryGetOut(Op, out var outKernel));
        var e = Assert.Throws<Errors.JitShapeException>(() => outKernel(c.Inputs, [Tensor.Empty(DType.Float32, 1, 2, 3)]));
        Assert.Contains("[1, 2, 3]", e.Message);
    }
}
