using Jit.Runtime;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Kernels.Templates.TemplateData;

namespace Jit.Tests.Kernels.Templates;

public sealed class PoolTemplateTests
{
    /// <summary>(input, kernel, stride, padding, ceil_mode).</summary>
    public static TheoryData<long[], long[], long[], long[], bool> Windows => new()
    {
        { [2, 3, 6, 6], [2, 2], [2, 2], [0, 0], false },
        { [1, 2, 5, 7], [3, 3], [2, 2], [1, 1], true },
        { [1, 1, 5, 5], [3, 2], [2, 3], [1, 1], true },
        { [2, 4, 4], [2, 2], [], [1, 0], false },          // unbatched, stride = kernel
        { [1, 1, 1, 1], [1, 1], [1, 1], [0, 0], false },
        { [1, 2, 4, 4], [4, 4], [3, 3], [2, 2], true },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void MaxPoolMatchesCpu(long[] x, long[] kernel, long[] stride, long[] padding, bool ceil)
    {
        var rng = new Random(61);
        var h = new TemplateHarness();
        foreach (var layout in Enum.GetValues<TensorLayout>())
        {
            h.Check("aten::max_pool2d", Random(rng, DType.Float32, x, layout), Ints(kernel), Ints(stride), Ints(padding), Ints(1, 1), ceil);
            h.Check("aten::max_pool2d_with_indices", Random(rng, DType.Float32, x, layout), Ints(kernel), Ints(stride), Ints(padding), Ints(1, 1), ceil);
        }
        h.Check("aten::max_pool2d", Random(rng, DType.Float64, x), Ints(kernel), Ints(stride), Ints(padding), Ints(2, 1), ceil);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void AvgPoolMatchesCpu(long[] x, long[] kernel, long[] stride, long[] padding, bool ceil)
    {
        var rng = new Random(62);
        var h = new TemplateHarness();
        foreach (var includePad in new[] { true, false })
        {
            foreach (var divisor in new[] { IValue.None, IValue.FromInt(3) })
            {
                h.Check("aten::avg_pool2d", Random(rng, DType.Float32, x), Ints(kernel), Ints(stride), Ints(padding), ceil, includePad, divisor);
            }
        }
        h.Check("aten::avg_pool2d", Random(rng, DType.Float64, x, TensorLayout.Transposed), Ints(kernel), Ints(stride), Ints(padding), ceil, false);
        h.Check("aten::avg_pool2d", Random(rng, DType.Float32, x, TensorLayout.Offset), Ints(kernel), Ints(stride), Ints(padding), ceil);
        h.Check("aten::avg_pool2d", Random(rng, DType.Float32, x, TensorLayout.Expanded), Ints(kernel), Ints(stride), Ints(padding), ceil);
    }

    [Fact]
    public void MaxPoolPropagatesNaNAndReportsItsIndex()
    {
        var h = new TemplateHarness();
        var x = Random(new Random(63), DType.Float32, [1, 1, 4, 4]);
        x.SetDouble(5, double.NaN);
        x.SetDouble(10, double.NegativeInfinity);
        h.Check("aten::max_pool2d_with_indices", x, Ints(2, 2), Ints(1, 1), Ints(1, 1), Ints(1, 1), false);
        h.Check("aten::adaptive_max_pool2d", x, Ints(3, 2));
    }

    [Theory]
    [InlineData(new long[] { 1, 1 })]
    [InlineData(new long[] { 2, 3 })]
    [InlineData(new long[] { 5, 4 })]
    [InlineData(new long[] { 7, 3 })]
    public void AdaptivePoolsMatchCpu(long[] size)
    {
        var rng = new Random(64);
        var h = new TemplateHarness();
        foreach (var layout in Enum.GetValues<TensorLayout>())
        {
            h.Check("aten::adaptive_avg_pool2d", Random(rng, DType.Float32, [2, 2, 5, 4], layout), Ints(size));
            h.Check("aten::adaptive_max_pool2d", Random(rng, DType.Float32, [2, 5, 4], layout), Ints(size));
        }
        h.Check("aten::adaptive_avg_pool2d", Random(rng, DType.Float64, [1, 1, 1, 1]), Ints(size));
        h.Check("aten::adaptive_avg_pool2d", Random(rng, DType.Float16, [1, 2, 3, 6]), Ints(size));
    }

    [Theory]
    [InlineData(DType.Float16)]
    [InlineData(DType.BFloat16)]
    public void HalfTypesComputeInFloat32(DType dtype)
    {
        var rng = new Random(66);
        var h = new TemplateHarness();
        var x = Random(rng, dtype, [1, 2, 5, 5], TensorLayout.Transposed);
        h.Check("aten::max_pool2d_with_indices", x, Ints(3, 3), Ints(2, 2), Ints(1, 1), Ints(1, 1), true);
        h.Check("aten::avg_pool2d", x, Ints(3, 3), Ints(2, 2), Ints(1, 1), true, false);
        h.Check("aten::adaptive_max_pool2d", x, Ints(2, 3));
    }

    [Fact]
    public void DeclinesWhatTheOpRejects()
    {
        var rng = new Random(65);
        var x = Random(rng, DType.Float32, [1, 1, 4, 4]);
        TemplateHarness.Declines("aten::max_pool2d", x, Ints(2, 2), Ints(1, 1), Ints(2, 2));                // pad > kernel/2
        TemplateHarness.Declines("aten::max_pool2d", x, Ints(5, 5));                                         // empty output
        TemplateHarness.Declines("aten::max_pool2d", Random(rng, DType.Int64, [1, 1, 4, 4]), Ints(2, 2));   // integer input
        TemplateHarness.Declines("aten::avg_pool2d", x, Ints(2, 2), Ints(2, 2), Ints(0, 0), false, true, 0L);
        TemplateHarness.Declines("aten::adaptive_avg_pool2d", Random(rng, DType.Float32, [4, 4]), Ints(2, 2));
    }
}
