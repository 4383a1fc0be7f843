using Jit.Runtime;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Kernels.ShapeTestValues;

namespace Jit.Tests.Kernels;

/// <summary>The pooling out-variants (the 2x2 stride-2 vector path included) write what the ordinary kernels return.</summary>
public sealed class OutPoolKernelTests
{
    [Theory]
    [InlineData(2, 8, 16, 16, 2, 2, 0, false)]
    [InlineData(1, 3, 9, 13, 2, 2, 0, false)]   // odd sizes: the last row and column are not read
    [InlineData(1, 3, 9, 13, 2, 2, 0, true)]    // ceil_mode: partial windows, the general loop
    [InlineData(2, 4, 10, 22, 2, 2, 0, false)]  // a 4-wide vector step plus a scalar tail per row
    [InlineData(1, 2, 11, 11, 3, 2, 1, false)]
    [InlineData(1, 2, 12, 12, 3, 3, 1, true)]
    public void MaxPoolOutVariantMatchesTheKernel(long n, long c, long h, long w, long k, long s, long p, bool ceil)
    {
        var x = Random(DType.Float32, 5, n, c, h, w);
        x.SetDouble(7, double.NaN);
        x.SetDouble(w + 2, double.NaN);
        IValue[] args = [x, Ints(k, k), Ints(s, s), Ints(p, p), Ints(1, 1), ceil];
        Assert.True(CpuKernels.TryGet("aten::max_pool2d", out var kernel));
        Assert.True(CpuKernels.TryGetOut("aten::max_pool2d", out var outKernel));
        var o = new IValue[1];
        kernel(args, o);
        var expected = o[0].AsTensor;
        var actual = Tensor.Empty(DType.Float32, expected.Sizes);
        outKernel(args, [actual]);
        Assert.Equal(expected.ContiguousSpan<float>().ToArray(), actual.ContiguousSpan<float>().ToArray());
    }
}
