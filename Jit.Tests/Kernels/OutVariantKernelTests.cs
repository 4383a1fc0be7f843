using Jit.Runtime;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Kernels.ShapeTestValues;

namespace Jit.Tests.Kernels;

/// <summary>
/// Out-variants of integer, bool and strided operands write exactly what the ordinary kernels
/// return (bit for bit, NaN included), into a destination holding anything, and allocate nothing.
/// </summary>
public sealed class OutVariantKernelTests
{
    private static Tensor Nan(Tensor t, params long[] at)
    {
        foreach (var i in at) t.SetDouble(i, double.NaN);
        return t;
    }

    private static Tensor Column(DType dtype, int seed) => Random(dtype, seed, 4, 1);

    private static IValue TensorList(params Tensor[] tensors) =>
        IValue.FromList(new IValueList(Jit.Ir.TensorType.Unknown, [.. tensors.Select(IValue.FromTensor)]));

    public static TheoryData<string, string, IValue[]> Cases()
    {
        var f = Nan(Random(DType.Float32, 1, 4, 7), 9);
        var l = Random(DType.Int64, 2, 4, 7);
        var b = Random(DType.Bool, 3, 4, 7);
        var b2 = Random(DType.Bool, 4, 4, 7);
        for (long i = 0; i < 28; i += 3) b2.SetLong(i, 0);
        var d = Random(DType.Float64, 5, 4, 7);
        var strided = Transposed(Random(DType.Float32, 6, 7, 4));
        var chunk = Random(DType.Float32, 7, 5, 8).AsStrided([5, 4], [8, 1], 4);
        // NCHW [2, 12, 3, 5] seen as NHWC [2, 3, 5, 12], as ConvNeXt's blocks permute it.
        var nhwc = Random(DType.Float32, 19, 2, 12, 3, 5).AsStrided([2, 3, 5, 12], [180, 5, 1, 15]);
        var unfoldable = Random(DType.Float32, 20, 3, 4, 12).AsStrided([4, 3, 12], [12, 48, 1]);
        var scale = Random(DType.Float32, 21, 12, 1, 1);
        var cases = new TheoryData<string, string, IValue[]>
        {
            { "gt float by 0", "aten::gt.Scalar", [f, 0.0] },
            { "gt int by 5", "aten::gt.Scalar", [l, 5L] },
            { "gt int by 0.5 (compares in float32)", "aten::gt.Scalar", [l, 0.5] },
            { "eq int", "aten::eq.Scalar", [l, 0L] },
            { "ne int", "aten::ne.Scalar", [l, 3L] },
            { "le int by a column", "aten::le.Tensor", [l, Column(DType.Int64, 8)] },
            { "lt strided float", "aten::lt.Tensor", [strided, Random(DType.Float32, 9, 7)] },
            { "and bool", "aten::__and__.Tensor", [b, b2] },
            { "or int", "aten::__or__.Tensor", [l, Column(DType.Int64, 10)] },
            { "xor int by 3", "aten::bitwise_xor.Scalar", [l, 3L] },
            { "remainder int by -3", "aten::remainder.Scalar", [l, -3L] },
            { "remainder float64", "aten::remainder.Tensor", [d, Random(DType.Float64, 11, 4, 7)] },
            { "floor_divide int by 2", "aten::floor_divide.Scalar", [l, 2L] },
            { "floor_divide int by -4", "aten::floor_divide.Scalar", [l, -4L] },
            { "mul int by 3", "aten::mul.Scalar", [l, 3L] },
            { "sub int by a column", "aten::sub.Tensor", [l, Column(DType.Int64, 12), 1L] },
            { "add int", "aten::add.Tensor", [l, Random(DType.Int64, 13, 4, 7), 1L] },
            { "add int, alpha -1", "aten::add.Tensor", [l, Random(DType.Int64, 14, 4, 7), -1L] },
            { "add float64 by int", "aten::add.Scalar", [d, 2L, 1L] },
            { "where float", "aten::where.self", [b2, f, Random(DType.Float32, 15, 4, 7)] },
            { "where int by a column", "aten::where.self", [b2, l, Column(DType.Int64, 16)] },
            { "masked_fill float", "aten::masked_fill.Scalar", [f, b2, -1.0] },
            { "masked_fill int by 2.7", "aten::masked_fill.Scalar", [l, b2, 2.7] },
            { "sum bool over dim 1", "aten::sum.dim_IntList", [b, Ints(1), false, IValue.None] },
            { "sum int over both, keepdim", "aten::sum.dim_IntList", [l, Ints(1, 0), true, IValue.None] },
            { "sum strided float", "aten::sum.dim_IntList", [strided, Ints(0), false, IValue.None] },
            { "sum float64", "aten::sum", [d, IValue.None] },
            { "all bool over dim 1", "aten::all.dim", [b2, 1L, false] },
            { "any bool over dim 0, keepdim", "aten::any.dim", [b2, 0L, true] },
            { "all float with NaN", "aten::all", [f] },
            { "argmax float with NaN", "aten::argmax", [f, 1L, false] },
            { "argmin int over dim 0", "aten::argmin", [l, 0L, true] },
            { "zeros_like int", "aten::zeros_like", [l, IValue.None, IValue.None, IValue.None, IValue.None, IValue.None] },
            { "ones_like bool", "aten::ones_like", [b, IValue.None, IValue.None, IValue.None, IValue.None, IValue.None] },
            { "full_like float", "aten::full_like", [f, 0.25, IValue.None, IValue.None, IValue.None, IValue.None, IValue.None] },
            { "softmax of a chunk", "aten::softmax.int", [chunk, -1L, IValue.None] },
            { "contiguous of a transpose", "aten::contiguous", [strided, 0L] },
            { "stack along dim 1", "aten::stack", [TensorList(strided, Random(DType.Float32, 17, 4, 7)), 1L] },
            { "stack ints", "aten::stack", [TensorList(l, Random(DType.Int64, 18, 4, 7)), 0L] },
            { "mm by a transposed matrix", "aten::mm", [Random(DType.Float32, 22, 5, 4), strided] },
            { "cat of an expanded row and a transposed matrix", "aten::cat", [TensorList(Random(DType.Float32, 27, 1, 7).AsStrided([2, 7], [0, 1]), strided), 0L] },
            { "embedding of int64 ids", "aten::embedding", [Random(DType.Float32, 25, 9, 6), Ids(DType.Int64, [2, 3], 8, 0, 5, 3, 3, 1), -1L, false, false] },
            { "embedding of int32 ids", "aten::embedding", [Random(DType.Int64, 26, 4, 3), Ids(DType.Int32, [5], 3, 0, 2, 1, 3), -1L, false, false] },
            { "bmm by transposed matrices", "aten::bmm", [Random(DType.Float32, 23, 3, 5, 4), Random(DType.Float32, 24, 3, 6, 4).AsStrided([3, 4, 6], [24, 1, 4])] },
            { "linear of a permuted input", "aten::linear", [nhwc, Random(DType.Float32, 22, 20, 12), Random(DType.Float32, 23, 20)] },
            { "linear of unfoldable rows", "aten::linear", [unfoldable, Random(DType.Float32, 24, 17, 12), IValue.None] },
            { "layer_norm of a permuted input", "aten::layer_norm", [nhwc, Ints(12), Random(DType.Float32, 25, 12), Random(DType.Float32, 26, 12), 1e-6, true] },
            { "layer_norm over two dims, no affine", "aten::layer_norm", [nhwc, Ints(5, 12), IValue.None, IValue.None, 1e-5, true] },
            { "layer_scale times a permuted input", "aten::mul.Tensor", [scale, nhwc.AsStrided([2, 12, 3, 5], [180, 1, 60, 12])] },
            { "gelu of a permuted input", "aten::gelu", [nhwc, "none"] },
        };
        foreach (var (name, op, args) in PoolCaseTests.All) cases.Add(name, op, args);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheOutVariantWritesTheKernelsResultAndAllocatesNothing(string name, string op, IValue[] args)
    {
        Assert.True(CpuKernels.TryGet(op, out var kernel), op);
        Assert.True(CpuKernels.TryGetOut(op, out var outKernel), op);
        var results = new IValue[1];
        kernel(args, results);
        var expected = results[0].AsTensor;
        var destination = Tensor.Empty(expected.DType, expected.Sizes);
        // Anything already there must not leak into the result.
        for (long i = 0; i < destination.NumElements; i++) destination.SetDouble(i, 7);
        IValue[] outputs = [destination];
        outKernel(args, outputs);
        Assert.Equal(Bits(expected), Bits(destination));
        long before = GC.GetAllocatedBytesForCurrentThread();
        outKernel(args, outputs);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before == 0, $"{name}: the out-variant allocated");
        Assert.Equal(Bits(expected), Bits(destination));
    }

    // Values compared by their bits, so NaN equals NaN and -0 differs from 0.
    private static long[] Bits(Tensor t) => [.. t.ToDoubleArray().Select(BitConverter.DoubleToInt64Bits)];

    [Fact]
    public void AZeroDivisorIsTheKernelsError()
    {
        Assert.True(CpuKernels.TryGetOut("aten::remainder.Scalar", out var outKernel));
        var e = Assert.Throws<Errors.JitRuntimeException>(() => outKernel([Random(DType.Int64, 1, 3), 0L], [Tensor.Empty(DType.Int64, 3)]));
        Assert.Contains("ZeroDivisionError", e.Message);
    }

    private static Tensor Ids(DType dtype, long[] sizes, params long[] values)
    {
        var t = Tensor.Empty(dtype, sizes);
        for (int k = 0; k < values.Length; k++) t.SetLong(k, values[k]);
        return t;
    }
}
