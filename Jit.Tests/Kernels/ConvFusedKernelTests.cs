using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Kernels.ShapeTestValues;

namespace Jit.Tests.Kernels;

/// <summary>
/// cudnn_convolution_relu and cudnn_convolution_add_relu (what FuseConvAddRelu makes) give, bit for
/// bit, what conv2d → add → relu give unfused, through the ordinary kernels and the out-variants.
/// </summary>
public sealed class ConvFusedKernelTests
{
    public static TheoryData<string, long, long, long, long, long, long, long, long, long> Geometries => new()
    {
        // name, n, c, h, w, oc, k, stride, padding, groups
        { "3x3", 1, 8, 12, 12, 8, 3, 1, 1, 1 },
        { "batched 3x3", 2, 3, 16, 16, 8, 3, 1, 1, 1 },
        { "strided", 2, 8, 8, 8, 16, 3, 2, 1, 1 },
        { "1x1", 2, 16, 5, 7, 12, 1, 1, 0, 1 },
        { "1x1 strided", 1, 8, 12, 12, 16, 1, 2, 0, 1 },
        { "grouped", 1, 8, 9, 9, 12, 3, 1, 1, 4 },
        { "depthwise", 2, 6, 10, 11, 6, 3, 1, 1, 6 },
        { "wide", 1, 4, 40, 40, 20, 5, 1, 2, 1 },
        { "stride 3", 1, 5, 17, 14, 7, 3, 3, 1, 1 },
        { "5x5 strided", 2, 3, 19, 23, 9, 5, 2, 2, 1 },
        { "deep (K past one k-block: im2col)", 1, 64, 6, 6, 8, 3, 1, 1, 1 },
        { "deep with full GEMM tiles", 1, 64, 8, 8, 24, 3, 1, 1, 1 },
    };

    private static IValue Call(string op, params IValue[] args)
    {
        Assert.True(CpuKernels.TryGet(op, out var kernel), op);
        var o = new IValue[1];
        kernel(args, o);
        return o[0];
    }

    private static Tensor CallOut(string op, Tensor destination, params IValue[] args)
    {
        Assert.True(CpuKernels.TryGetOut(op, out var kernel), op);
        kernel(args, [destination]);
        return destination;
    }

    private static void AssertBitwise(Tensor expected, Tensor actual, string where)
    {
        Assert.Equal(expected.Sizes.ToArray(), actual.Sizes.ToArray());
        var e = expected.ContiguousSpan<float>();
        var a = actual.ContiguousSpan<float>();
        for (int i = 0; i < e.Length; i++)
            if (BitConverter.SingleToInt32Bits(e[i]) != BitConverter.SingleToInt32Bits(a[i]))
                Assert.Fail($"{where}: element {i} is {a[i]:R}, unfused {e[i]:R}");
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void FusedFormsMatchTheUnfusedOpsBitForBit(string name, long n, long c, long h, long w, long oc, long k, long s, long p, long groups)
    {
        var x = Random(DType.Float32, 1, n, c, h, w);
        x.SetDouble(3, double.NaN); // NaN goes through relu as NaN, fused or not
        var wt = Random(DType.Float32, 2, oc, c / groups, k, k);
        var b = Random(DType.Float32, 3, oc);
        IValue stride = Ints(s, s), padding = Ints(p, p), dilation = Ints(1, 1);
        var conv = Call("aten::conv2d", x, wt, b, stride, padding, dilation, groups).AsTensor;
        var z = Random(DType.Float32, 4, conv.Sizes.ToArray());
        var relu = Call("aten::relu", conv).AsTensor;
        var addRelu = Call("aten::relu", Call("aten::add.Tensor", conv, z, 1)).AsTensor;

        AssertBitwise(relu, Call("aten::cudnn_convolution_relu", x, wt, b, stride, padding, dilation, groups).AsTensor, name + " relu");
        AssertBitwise(addRelu, Call("aten::cudnn_convolution_add_relu", x, wt, z, 1, b, stride, padding, dilation, groups).AsTensor, name + " add relu");
        AssertBitwise(relu, CallOut("aten::cudnn_convolution_relu", Tensor.Empty(DType.Float32, conv.Sizes), x, wt, b, stride, padding, dilation, groups),
            name + " relu out-variant");
        AssertBitwise(addRelu, CallOut("aten::cudnn_convolution_add_relu", Tensor.Empty(DType.Float32, conv.Sizes), x, wt, z, IValue.None, b, stride, padding, dilation, groups),
            name + " add relu out-variant");
        AssertBitwise(conv, CallOut("aten::conv2d", Tensor.Empty(DType.Float32, conv.Sizes), x, wt, b, stride, padding, dilation, groups), name + " conv out-variant");
    }

    [Theory]
    [InlineData(1, 16, 40, 40, 32, 3, 1, 1, 1)]  // Winograd
    [InlineData(2, 8, 30, 30, 24, 3, 2, 1, 1)]   // strided: direct
    [InlineData(2, 24, 30, 30, 24, 3, 1, 1, 24)] // depthwise
    [InlineData(1, 128, 28, 28, 128, 1, 1, 0, 1)] // pointwise: GEMM
    public void ThreadCountsGiveTheSameBits(long n, long c, long h, long w, long oc, long k, long s, long p, long groups)
    {
        var x = Random(DType.Float32, 1, n, c, h, w);
        var wt = Random(DType.Float32, 2, oc, c / groups, k, k);
        var b = Random(DType.Float32, 3, oc);
        IValue[] args = [x, wt, b, Ints(s, s), Ints(p, p), Ints(1, 1), groups];
        int saved = Jit.Backends.Cpu.Kernels.CpuThreads.Count;
        try
        {
            Jit.Backends.Cpu.Kernels.CpuThreads.Count = 1;
            var one = Call("aten::cudnn_convolution_relu", args).AsTensor;
            foreach (int threads in new[] { 2, 3 })
            {
                Jit.Backends.Cpu.Kernels.CpuThreads.Count = threads;
                AssertBitwise(one, Call("aten::cudnn_convolution_relu", args).AsTensor, $"{threads} threads");
            }
        }
        finally
        {
            Jit.Backends.Cpu.Kernels.CpuThreads.Count = saved;
        }
    }

    [Theory]
    [InlineData(1)]  // GEMM path
    [InlineData(4)]  // depthwise
    public void AStrideBeyondTheInputIsAnOutputOfOne(long groups)
    {
        // PyTorch takes any stride; where the output extent is 1 it never applies.
        var x = Random(DType.Float32, 1, 1, 4, 5, 5);
        var wt = Random(DType.Float32, 2, 4, 4 / groups, 3, 3);
        var b = Random(DType.Float32, 3, 4);
        var small = Call("aten::conv2d", x, wt, b, Ints(10, 10), Ints(0, 0), Ints(1, 1), groups).AsTensor;
        Assert.Equal([1L, 4, 1, 1], small.Sizes.ToArray());
        IValue[] huge = [x, wt, b, Ints(1L << 40, 1L << 40), Ints(0, 0), Ints(1, 1), groups];
        AssertBitwise(small, Call("aten::conv2d", huge).AsTensor, "kernel");
        AssertBitwise(small, CallOut("aten::conv2d", Tensor.Empty(DType.Float32, 1, 4, 1, 1), huge), "out-variant");
    }

    [Fact]
    public void ADestinationThatStartsInsideItsStorageIsWrittenWhereItStarts()
    {
        var x = Random(DType.Float32, 1, 2, 6, 7, 7);
        var wt = Random(DType.Float32, 2, 6, 1, 3, 3); // depthwise
        IValue[] args = [x, wt, IValue.None, Ints(1, 1), Ints(1, 1), Ints(1, 1), 6];
        var expected = Call("aten::conv2d", args).AsTensor;
        var storage = Tensor.Empty(DType.Float32, 2 * expected.NumElements);
        var destination = storage.AsStrided(expected.Sizes.ToArray(), expected.Strides.ToArray(), expected.NumElements);
        AssertBitwise(expected, CallOut("aten::conv2d", destination, args), "offset destination");
        Assert.All(storage.ContiguousSpan<float>()[..(int)expected.NumElements].ToArray(), v => Assert.Equal(0f, v));
    }

    [Theory]
    [InlineData(4, 6, 9)]     // packed weight panels (ConvDirect)
    [InlineData(16, 16, 18)]  // Winograd-transformed weights (ConvWinograd)
    public void AWeightChangedInPlaceIsNotReadFromTheDerivedWeightCache(int c, int oc, int size)
    {
        var x = Random(DType.Float32, 1, 1, c, size, size);
        var wt = Random(DType.Float32, 2, oc, c, 3, 3);
        IValue[] args = [x, wt, IValue.None, Ints(1, 1), Ints(1, 1), Ints(1, 1), 1];
        var before = Call("aten::conv2d", args).AsTensor.ContiguousSpan<float>().ToArray();
        Assert.Equal(before, Call("aten::conv2d", args).AsTensor.ContiguousSpan<float>().ToArray());
        wt.SetDouble(5, wt.GetDouble(5) + 1); // same storage, new value
        var expected = Random(DType.Float32, 2, oc, c, 3, 3);
        expected.SetDouble(5, wt.GetDouble(5));
        var fresh = Call("aten::conv2d", x, expected, IValue.None, Ints(1, 1), Ints(1, 1), Ints(1, 1), 1).AsTensor.ContiguousSpan<float>().ToArray();
        var after = Call("aten::conv2d", args).AsTensor.ContiguousSpan<float>().ToArray();
        Assert.NotEqual(before, after);
        Assert.Equal(fresh, after);
    }

    [Fact]
    public void AlphaScalesTheAddendAndIntegerConvsFuseToo()
    {
        var x = Random(DType.Float32, 1, 1, 3, 6, 6);
        var wt = Random(DType.Float32, 2, 4, 3, 3, 3);
        var z = Random(DType.Float32, 3, 1, 4, 4, 4);
        var conv = Call("aten::conv2d", x, wt, IValue.None, Ints(1, 1), Ints(0, 0), Ints(1, 1), 1).AsTensor;
        var expected = Call("aten::relu", Call("aten::add.Tensor", conv, z, 2.5)).AsTensor;
        var fused = Call("aten::cudnn_convolution_add_relu", x, wt, z, 2.5, IValue.None, Ints(1, 1), Ints(0, 0), Ints(1, 1), 1).AsTensor;
        Jit.Tests.Testing.ValueAssert.TensorClose(expected, fused, 1e-6, 1e-6);

        var xi = Random(DType.Int64, 4, 1, 2, 5, 5);
        var wi = Random(DType.Int64, 5, 3, 2, 3, 3);
        var zi = Random(DType.Int64, 6, 1, 3, 3, 3);
        var convI = Call("aten::conv2d", xi, wi, IValue.None, Ints(1, 1), Ints(0, 0), Ints(1, 1), 1).AsTensor;
        var expectedI = Call("aten::relu", Call("aten::add.Tensor", convI, zi, 1)).AsTensor;
        Jit.Tests.Testing.ValueAssert.TensorClose(expectedI,
            Call("aten::cudnn_convolution_add_relu", xi, wi, zi, 1, IValue.None, Ints(1, 1), Ints(0, 0), Ints(1, 1), 1).AsTensor, 0, 0);
    }

    [Fact]
    public void MismatchedAddendsAndUnbatchedInputsAreShapeErrors()
    {
        var x = Random(DType.Float32, 1, 1, 3, 6, 6);
        var wt = Random(DType.Float32, 2, 4, 3, 3, 3);
        var e = Assert.Throws<JitShapeException>(() => Call("aten::cudnn_convolution_add_relu", x, wt, Random(DType.Float32, 3, 4, 1, 1), 1, IValue.None,
            Ints(1, 1), Ints(0, 0), Ints(1, 1), 1));
        Assert.Contains("z must be", e.Message);
        var e2 = Assert.Throws<JitShapeException>(() => Call("aten::cudnn_convolution_relu", Random(DType.Float32, 1, 3, 6, 6), wt, IValue.None,
            Ints(1, 1), Ints(0, 0), Ints(1, 1), 1));
        Assert.Contains("4-D", e2.Message);
    }
}
