using Jit.Runtime;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Kernels.Templates.TemplateData;

namespace Jit.Tests.Kernels.Templates;

public sealed class GatherTemplateTests
{
    [Theory]
    [InlineData(DType.Float32, DType.Int64)]
    [InlineData(DType.Int64, DType.Int32)]
    [InlineData(DType.Float16, DType.Int64)]
    public void EmbeddingLooksUpRows(DType dtype, DType indexType)
    {
        var rng = new Random(31);
        var h = new TemplateHarness();
        h.Check("aten::embedding", Random(rng, dtype, [6, 3]), Indices(rng, 6, [2, 4], indexType));
        h.Check("aten::embedding", Random(rng, dtype, [5, 2], TensorLayout.Transposed), Indices(rng, 5, [3], indexType));
        h.Check("aten::embedding", Random(rng, dtype, [4, 1], TensorLayout.Offset), IValue.FromTensor(Indices(rng, 4, [], indexType)));
        var ids = Indices(rng, 4, [1, 3], indexType).AsStrided([2, 3], [0, 1], 0);
        h.Check("aten::embedding", Random(rng, dtype, [4, 3], TensorLayout.Expanded), ids);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void IndexSelectPicksAlongAnyDim(long dim)
    {
        var rng = new Random(32);
        var h = new TemplateHarness();
        long[] sizes = [3, 4, 2];
        long bound = sizes[dim < 0 ? dim + 3 : dim];
        foreach (var layout in Enum.GetValues<TensorLayout>())
            h.Check("aten::index_select", Random(rng, DType.Float32, sizes, layout), dim, Indices(rng, bound, [5]));
        h.Check("aten::index_select", Random(rng, DType.Int32, sizes), dim, IValue.FromTensor(Indices(rng, bound, [], DType.Int32)));
        h.Check("aten::index_select", Random(rng, DType.Float64, [1, 1, 1]), dim, Indices(rng, 1, [2]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void GatherPicksAlongAnyDim(long dim)
    {
        var rng = new Random(34);
        var h = new TemplateHarness();
        long[] sizes = [3, 4, 2];
        int d = (int)(dim < 0 ? dim + 3 : dim);
        long[] index = [2, 3, 2];
        index[d] = 5;
        foreach (var layout in Enum.GetValues<TensorLayout>())
            h.Check("aten::gather", Random(rng, DType.Float32, sizes, layout), dim, Indices(rng, sizes[d], index));
        var transposed = Indices(rng, sizes[d], [.. index.Reverse()]);
        h.Check("aten::gather", Random(rng, DType.Int64, sizes), dim, transposed.AsStrided(index, [.. transposed.StridesArray().Reverse()], 0));
        h.Check("aten::gather", Random(rng, DType.Float64, [1, 1, 1]), dim, Indices(rng, 1, [1, 1, 1]));
        TemplateHarness.Declines("aten::gather", Random(rng, DType.Float32, sizes), dim, Indices(rng, 2, [4, 5, 3]));
    }

    [Fact]
    public void DeclinesWhatItDoesNotCover()
    {
        var rng = new Random(33);
        TemplateHarness.Declines("aten::embedding", Random(rng, DType.Float32, [4, 3, 2]), Indices(rng, 4, [2]));
        TemplateHarness.Declines("aten::embedding", Random(rng, DType.Float32, [4, 3]), Random(rng, DType.Float32, [2]));
        TemplateHarness.Declines("aten::index_select", Random(rng, DType.Float32, [4, 3]), 2L, Indices(rng, 3, [2]));
        TemplateHarness.Declines("aten::index_select", Random(rng, DType.Float32, [4, 3]), 0L, Indices(rng, 3, [2, 2]));
    }
}
