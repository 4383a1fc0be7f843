using Jit.Runtime;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Kernels.ShapeTestValues;

namespace Jit.Tests.Kernels;

/// <summary>
/// masked_fill's float32 out-variant path (whole rows where the mask repeats along the last dim)
/// against the ordinary kernel, bit for bit, for masks broadcast every way an attention or padding
/// mask is, strided masks included; allocation-free.
/// </summary>
public sealed class MaskedFillRowsTests
{
    public static TheoryData<long[]> MaskShapes() => new()
    {
        new long[] { 5 }, new long[] { 4, 1 }, new long[] { 2, 1, 5 }, new long[] { 2, 4, 5 }, new long[] { 1 }, new long[] { 2, 4, 1 }, new long[] { 1, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(MaskShapes))]
    public void RowsMatchTheOrdinaryKernel(long[] maskShape)
    {
        var self = Random(DType.Float32, 3, 2, 4, 5);
        long n = maskShape.Aggregate(1L, (a, b) => a * b);
        var mask = Tensor.FromArray(Enumerable.Range(0, (int)n).Select(i => i % 3 == 1).ToArray(), maskShape);
        Check(self, mask, float.NegativeInfinity);
        Check(self, mask, -0.0);
    }

    [Fact]
    public void AStridedMaskIsReadThroughItsStrides()
    {
        var self = Random(DType.Float32, 4, 2, 4, 5);
        // [5, 4] transposed to [4, 5]: inner stride 4.
        var storage = Tensor.FromArray(Enumerable.Range(0, 20).Select(i => i % 4 == 0 || i % 7 == 0).ToArray(), 5, 4);
        var mask = storage.AsStrided([4, 5], [1, 4]);
        Check(self, mask, 3.5);
    }

    private static void Check(Tensor self, Tensor mask, double fill)
    {
        Assert.True(CpuKernels.TryGet("aten::masked_fill.Scalar", out var kernel));
        Assert.True(CpuKernels.TryGetOut("aten::masked_fill.Scalar", out var outKernel));
        IValue[] args = [self, mask, fill];
        var results = new IValue[1];
        kernel(args, results);
        var expected = results[0].AsTensor;
        var destination = Tensor.Empty(DType.Float32, expected.Sizes);
        IValue[] outputs = [destination];
        outKernel(args, outputs);
        Assert.Equal(Bits(expected), Bits(destination));
        long before = GC.GetAllocatedBytesForCurrentThread();
        outKernel(args, outputs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static int[] Bits(Tensor t) => t.ContiguousSpan<float>().ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
}
