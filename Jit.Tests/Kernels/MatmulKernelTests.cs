using Jit.Ir;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;
using static Jit.Tests.Kernels.ShapeTestValues;

namespace Jit.Tests.Kernels;

/// <summary>
/// Products larger than the fixtures (crossing the GEMM's k/n blocks and its parallel threshold)
/// against a naive double-precision reference, for each operand layout the GEMM distinguishes.
/// </summary>
public sealed class MatmulKernelTests
{
    private static Tensor Naive(Tensor a, Tensor b)
    {
        long m = a.Sizes[0], k = a.Sizes[1], n = b.Sizes[1];
        var r = Tensor.Empty(DType.Float64, m, n);
        for (long i = 0; i < m; i++)
        {
            for (long j = 0; j < n; j++)
            {
                double s = 0;
                for (long p = 0; p < k; p++) s += a.GetDouble(i * k + p) * b.GetDouble(p * n + j);
                r.SetDouble(i * n + j, s);
            }
        }
        return r;
    }

    private static Tensor Mm(Tensor a, Tensor b)
    {
        CpuKernels.TryGet("aten::mm", out var mm);
        var o = new IValue[1];
        mm([a, b], o);
        return o[0].AsTensor;
    }

    private static void AssertClose(Tensor expected, Tensor actual, double rtol, double atol)
    {
        var e = Tensor.Empty(actual.DType, expected.Sizes);
        expected.CopyTo(e);
        ValueAssert.TensorClose(e, actual, rtol, atol);
    }

    [Theory]
    [InlineData("row-major B")]
    [InlineData("transposed B")]
    [InlineData("transposed A")]
    [InlineData("strided both")]
    public void LargeFloat32ProductsMatchTheNaiveSum(string layout)
    {
        long m = 67, k = 300, n = 530;
        var a = Random(DType.Float32, 1, m, k);
        var b = Random(DType.Float32, 2, k, n);
        Tensor aIn = a, bIn = b;
        switch (layout)
        {
            case "transposed B": bIn = Transposed(Random(DType.Float32, 2, n, k)); b = bIn.Clone(); break;
            case "transposed A": aIn = Transposed(Random(DType.Float32, 1, k, m)); a = aIn.Clone(); break;
            case "strided both":
                var wide = Random(DType.Float32, 3, m, 2 * k);
                aIn = wide.AsStrided([m, k], [2 * k, 2]);
                a = aIn.Clone();
                bIn = Transposed(Transposed(b).Clone()).AsStrided([k, n], [1, k]);
                break;
        }
        // float32 sums of 300 products in a different order than the double reference.
        AssertClose(Naive(a, b), Mm(aIn, bIn), 1e-4, 1e-4);
    }

    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Int32)]
    [InlineData(DType.BFloat16)]
    public void OtherDTypesMatchTheNaiveSum(DType dtype)
    {
        var a = Random(dtype, 4, 13, 40);
        var b = Random(dtype, 5, 40, 9);
        // bfloat16 keeps 8 significant bits: its rounding of the result dominates.
        double tol = dtype == DType.BFloat16 ? 2e-2 : 1e-9;
        AssertClose(Naive(a, b), Mm(a, Transposed(Transposed(b))), tol, tol);
    }

    [Fact]
    public void LinearReadsTheWeightInPlaceAndAddsTheBias()
    {
        var x = Random(DType.Float32, 6, 3, 5, 70);
        var w = Random(DType.Float32, 7, 33, 70);
        var bias = Random(DType.Float32, 8, 33);
        CpuKernels.TryGet("aten::linear", out var linear);
        var o = new IValue[1];
        linear([x, w, bias], o);
        var expected = Naive(x.AsStrided([15, 70], [70, 1]), Transposed(w).Clone());
        for (long i = 0; i < expected.NumElements; i++) expected.SetDouble(i, expected.GetDouble(i) + bias.GetDouble(i % 33));
        Assert.Equal([3L, 5, 33], o[0].AsTensor.SizesArray());
        AssertClose(expected, o[0].AsTensor.AsStrided([15, 33], [33, 1]), 1e-4, 1e-5);
    }

    [Fact]
    public void SizeListsComeBackAsIntLists()
    {
        CpuKernels.TryGet("aten::size", out var size);
        var o = new IValue[1];
        size([Tensor.Empty(DType.Float32, 2, 0, 3)], o);
        Assert.Equal(IntType.Instance, o[0].AsList.ElementType);
        Assert.Equal([2L, 0, 3], o[0].AsList.Items.Select(v => v.AsInt));
    }
}
