using Jit.Runtime;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Kernels.Templates.TemplateData;

namespace Jit.Tests.Kernels.Templates;

public sealed class MatmulTemplateTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Int32)]
    public void MmMatchesCpuForEveryLayoutAndSize(DType dtype)
    {
        var rng = new Random(11);
        var h = new TemplateHarness();
        foreach (var (n, k, p) in new[] { (3L, 4L, 5L), (1L, 3L, 1L), (4L, 1L, 2L) })
        {
            foreach (var layout in Enum.GetValues<TensorLayout>())
                h.Check("aten::mm", Random(rng, dtype, [n, k], layout), Random(rng, dtype, [k, p], TensorLayout.Transposed));
        }
    }

    [Fact]
    public void BmmReadsStridedBatches()
    {
        var rng = new Random(12);
        var h = new TemplateHarness();
        h.Check("aten::bmm", Random(rng, DType.Float32, [2, 3, 4]), Random(rng, DType.Float32, [2, 4, 5], TensorLayout.Offset));
        h.Check("aten::bmm", Random(rng, DType.Float32, [3, 1, 2], TensorLayout.Expanded), Random(rng, DType.Float32, [3, 2, 2], TensorLayout.Transposed));
        h.Check("aten::bmm", Random(rng, DType.Int64, [1, 2, 3]), Random(rng, DType.Int64, [1, 3, 2]));
    }

    public static TheoryData<long[], long[]> MatmulShapes => new()
    {
        { [4], [4] },                 // dot
        { [3, 4], [4] },              // matrix-vector
        { [4], [4, 2] },              // vector-matrix
        { [3, 4], [4, 2] },           // mm
        { [2, 3, 4], [4] },           // batched matrix-vector
        { [4], [2, 4, 3] },           // vector-batched matrix
        { [2, 3, 4], [4, 5] },        // batch folded into rows
        { [3, 4], [2, 4, 5] },        // matrix broadcast over a batch
        { [2, 1, 3, 4], [3, 4, 2] },  // broadcast batch dims on both sides
        { [1, 2, 3], [4, 3, 1] },     // size-1 batch and output dims
    };

    [Theory]
    [MemberData(nameof(MatmulShapes))]
    public void MatmulCoversEveryRankCombination(long[] a, long[] b)
    {
        var rng = new Random(13);
        var h = new TemplateHarness();
        h.Check("aten::matmul", Random(rng, DType.Float32, a), Random(rng, DType.Float32, b));
        h.Check("aten::matmul", Random(rng, DType.Float32, a, TensorLayout.Offset), Random(rng, DType.Float32, b, TensorLayout.Transposed));
        h.Check("aten::matmul", Random(rng, DType.Int32, a, TensorLayout.Expanded), Random(rng, DType.Int32, b));
    }

    [Fact]
    public void OneMatmulKernelServesEveryBatchBroadcast()
    {
        var rng = new Random(14);
        var h = new TemplateHarness();
        // Same ranks: one cache key, one kernel; the broadcast is decided when sizes are bound.
        var k1 = h.Check("aten::matmul", Random(rng, DType.Float32, [2, 1, 3, 4]), Random(rng, DType.Float32, [1, 3, 4, 2]));
        var k2 = h.Check("aten::matmul", Random(rng, DType.Float32, [1, 2, 3, 4]), Random(rng, DType.Float32, [2, 1, 4, 2]));
        var k3 = h.Check("aten::matmul", Random(rng, DType.Float32, [2, 2, 1, 3]), Random(rng, DType.Float32, [2, 2, 3, 1], TensorLayout.Expanded));
        Assert.Equal(k1.CacheKey, k2.CacheKey);
        Assert.Equal(k1.Kernel, k3.Kernel);
    }

    [Fact]
    public void DotAndHalfTypes()
    {
        var rng = new Random(15);
        var h = new TemplateHarness();
        h.Check("aten::dot", Random(rng, DType.Float64, [5], TensorLayout.Offset), Random(rng, DType.Float64, [5]));
        h.Check("aten::mm", Random(rng, DType.Float16, [2, 3]), Random(rng, DType.Float16, [3, 2]));
        h.Check("aten::matmul", Random(rng, DType.BFloat16, [2, 2, 3]), Random(rng, DType.BFloat16, [3]));
    }

    [Fact]
    public void NarrowIntegersWrapAndEmptyProductsAreZero()
    {
        var rng = new Random(17);
        var h = new TemplateHarness();
        h.Check("aten::mm", Random(rng, DType.Int8, [3, 6]), Random(rng, DType.Int8, [6, 2]));
        h.Check("aten::mm", Random(rng, DType.UInt8, [2, 5]), Random(rng, DType.UInt8, [5, 3], TensorLayout.Transposed));
        h.Check("aten::mm", Random(rng, DType.Float32, [3, 0]), Random(rng, DType.Float32, [0, 2]));
        h.Check("aten::matmul", Random(rng, DType.Float32, [0, 2, 3]), Random(rng, DType.Float32, [3, 2]));
    }

    [Fact]
    public void DeclinesWhatTheOpRejects()
    {
        var rng = new Random(16);
        TemplateHarness.Declines("aten::mm", Random(rng, DType.Float32, [2, 3]), Random(rng, DType.Float32, [4, 2]));
        TemplateHarness.Declines("aten::mm", Random(rng, DType.Float32, [2, 3]), Random(rng, DType.Float64, [3, 2]));
        TemplateHarness.Declines("aten::mm", Random(rng, DType.Float32, [2, 3, 1]), Random(rng, DType.Float32, [1, 2]));
        TemplateHarness.Declines("aten::bmm", Random(rng, DType.Float32, [2, 2, 3]), Random(rng, DType.Float32, [3, 3, 2]));
        TemplateHarness.Declines("aten::matmul", Random(rng, DType.Float32, [2, 2, 3]), Random(rng, DType.Float32, [3, 3, 2]));
        TemplateHarness.Declines("aten::matmul", Random(rng, DType.Bool, [2, 3]), Random(rng, DType.Bool, [3, 2]));
        TemplateHarness.Declines("aten::matmul", IValue.FromTensor(Tensor.Scalar(1.0)), Random(rng, DType.Float32, [3]));
    }
}
