using Jit.Runtime;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Kernels.Templates.TemplateData;

namespace Jit.Tests.Kernels.Templates;

public sealed class LinearTemplateTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int64)]
    public void LinearWithAndWithoutBias(DType dtype)
    {
        var rng = new Random(21);
        var h = new TemplateHarness();
        h.Check("aten::linear", Random(rng, dtype, [3, 4]), Random(rng, dtype, [5, 4]), Random(rng, dtype, [5]));
        h.Check("aten::linear", Random(rng, dtype, [2, 3, 4], TensorLayout.Offset), Random(rng, dtype, [2, 4], TensorLayout.Transposed));
        h.Check("aten::linear", Random(rng, dtype, [4]), Random(rng, dtype, [1, 4]), Random(rng, dtype, [1], TensorLayout.Offset));
        h.Check("aten::linear", Random(rng, dtype, [1, 3, 4], TensorLayout.Expanded), Random(rng, dtype, [4]), IValue.FromTensor(Random(rng, dtype, [])));
        h.Check("aten::linear", Random(rng, dtype, [2, 4]), Random(rng, dtype, [3, 4], TensorLayout.Expanded), Random(rng, dtype, [3], TensorLayout.Expanded));
    }

    [Fact]
    public void LinearBiasBroadcastsAtRunTime()
    {
        var rng = new Random(22);
        var h = new TemplateHarness();
        var full = h.Check("aten::linear", Random(rng, DType.Float32, [2, 4]), Random(rng, DType.Float32, [3, 4]), Random(rng, DType.Float32, [3]));
        var one = h.Check("aten::linear", Random(rng, DType.Float32, [2, 4]), Random(rng, DType.Float32, [3, 4]), Random(rng, DType.Float32, [1]));
        Assert.Equal(full.Kernel, one.Kernel);
        Assert.Equal([0, 1, 2], full.TensorArguments);
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(0.5, 2.0)]
    [InlineData(0.0, -1.5)]
    public void AddmmScalesBothTerms(double beta, double alpha)
    {
        var rng = new Random(23);
        var h = new TemplateHarness();
        IValue b = beta, a = alpha;
        h.Check("aten::addmm", Random(rng, DType.Float32, [3, 2]), Random(rng, DType.Float32, [3, 4]), Random(rng, DType.Float32, [4, 2]), b, a);
        h.Check("aten::addmm", Random(rng, DType.Float32, [2]), Random(rng, DType.Float32, [3, 4], TensorLayout.Transposed), Random(rng, DType.Float32, [4, 2], TensorLayout.Offset), b, a);
        h.Check("aten::addmm", Random(rng, DType.Float64, [1, 1]), Random(rng, DType.Float64, [1, 3]), Random(rng, DType.Float64, [3, 1]), b, a);
    }

    [Fact]
    public void AddmmWithoutBetaDoesNotReadSelf()
    {
        var rng = new Random(24);
        var h = new TemplateHarness();
        var nan = Tensor.Empty(DType.Float32, 2, 2);
        for (long i = 0; i < 4; i++) nan.SetDouble(i, double.NaN);
        var k = h.Check("aten::addmm", nan, Random(rng, DType.Float32, [2, 3]), Random(rng, DType.Float32, [3, 2]), 0.0, 1.0);
        Assert.Equal([1, 2], k.TensorArguments);
    }

    [Fact]
    public void IntegerAddmmAndBaddbmm()
    {
        var rng = new Random(25);
        var h = new TemplateHarness();
        h.Check("aten::addmm", Random(rng, DType.Int64, [2, 2]), Random(rng, DType.Int64, [2, 3]), Random(rng, DType.Int64, [3, 2]), 2L, 3L);
        h.Check("aten::baddbmm", Random(rng, DType.Float32, [2, 3, 2]), Random(rng, DType.Float32, [2, 3, 4]), Random(rng, DType.Float32, [2, 4, 2], TensorLayout.Transposed), 0.5, 2.0);
        h.Check("aten::baddbmm", Random(rng, DType.Int32, [1, 2]), Random(rng, DType.Int32, [3, 1, 2], TensorLayout.Expanded), Random(rng, DType.Int32, [3, 2, 2]), 1L, 1L);
        TemplateHarness.Declines("aten::addmm", Random(rng, DType.Int64, [2, 2]), Random(rng, DType.Int64, [2, 3]), Random(rng, DType.Int64, [3, 2]), 0.5, 1L);
    }

    [Fact]
    public void DeclinesBadShapes()
    {
        var rng = new Random(26);
        TemplateHarness.Declines("aten::linear", Random(rng, DType.Float32, [2, 4]), Random(rng, DType.Float32, [3, 5]));
        TemplateHarness.Declines("aten::linear", Random(rng, DType.Float32, [2, 4]), Random(rng, DType.Float32, [3, 4]), Random(rng, DType.Float32, [4]));
        TemplateHarness.Declines("aten::linear", Random(rng, DType.Float32, [2, 4]), Random(rng, DType.Float32, [2, 3, 4]));
        TemplateHarness.Declines("aten::addmm", Random(rng, DType.Float32, [3, 3]), Random(rng, DType.Float32, [2, 3]), Random(rng, DType.Float32, [3, 2]));
    }
}
