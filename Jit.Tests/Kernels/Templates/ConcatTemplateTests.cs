using Jit.Tensors;
using Xunit;
using static Jit.Tests.Kernels.Templates.TemplateData;

namespace Jit.Tests.Kernels.Templates;

public sealed class ConcatTemplateTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void CatJoinsAlongAnyDim(long dim)
    {
        var rng = new Random(41);
        var h = new TemplateHarness();
        long[] Sizes(long joined) => dim == 0 ? [joined, 3, 2] : dim == 1 ? [2, joined, 2] : [2, 3, joined];
        h.Check("aten::cat", List(Random(rng, DType.Float32, Sizes(2)), Random(rng, DType.Float32, Sizes(1), TensorLayout.Transposed),
            Random(rng, DType.Float32, Sizes(3), TensorLayout.Offset)), dim);
        h.Check("aten::cat", List(Random(rng, DType.Float32, Sizes(1), TensorLayout.Expanded), Random(rng, DType.Float32, Sizes(0)),
            Random(rng, DType.Float32, Sizes(2))), dim);
        h.Check("aten::cat", List(Random(rng, DType.Float32, Sizes(4))), dim);
    }

    [Fact]
    public void CatPromotesDTypes()
    {
        var rng = new Random(42);
        var h = new TemplateHarness();
        h.Check("aten::cat", List(Random(rng, DType.Int32, [2, 2]), Random(rng, DType.Int64, [1, 2]), Random(rng, DType.Int32, [3, 2])), 0L);
        h.Check("aten::cat", List(Random(rng, DType.Int64, [2, 2]), Random(rng, DType.Float32, [2, 1])), 1L);
        h.Check("aten::concat", List(Random(rng, DType.Float16, [2]), Random(rng, DType.Float64, [3])), 0L);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(-1)]
    public void StackAddsADim(long dim)
    {
        var rng = new Random(43);
        var h = new TemplateHarness();
        h.Check("aten::stack", List(Random(rng, DType.Float32, [2, 3]), Random(rng, DType.Float32, [2, 3], TensorLayout.Transposed),
            Random(rng, DType.Float32, [2, 3], TensorLayout.Expanded)), dim);
        h.Check("aten::stack", List(Random(rng, DType.Int64, [1, 2], TensorLayout.Offset), Random(rng, DType.Int32, [1, 2])), dim);
    }

    [Fact]
    public void DeclinesMismatchedAndLegacyLists()
    {
        var rng = new Random(44);
        TemplateHarness.Declines("aten::cat", List(Random(rng, DType.Float32, [2, 3]), Random(rng, DType.Float32, [2, 2])), 0L);
        TemplateHarness.Declines("aten::cat", List(Random(rng, DType.Float32, [2, 3]), Random(rng, DType.Float32, [0])), 0L);
        TemplateHarness.Declines("aten::stack", List(Random(rng, DType.Float32, [2, 3]), Random(rng, DType.Float32, [3, 2])), 0L);
        TemplateHarness.Declines("aten::cat", List(), 0L);
    }
}
