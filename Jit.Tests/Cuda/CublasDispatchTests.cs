using Jit.Backends.Cuda.Kernels;
using Jit.Runtime;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Cuda;

/// <summary>Which GEMM calls go to cuBLAS on a GPU (the rest run the TE templates), and the sizes of what they make.</summary>
public sealed class CublasDispatchTests
{
    private static IValue On(DType dtype, params long[] sizes) =>
        IValue.FromTensor(Tensor.EmptyOn(CudaTesting.Shared.Allocator, dtype, sizes));

    [Fact]
    public void ContiguousFloat32ProductsGoToCublas()
    {
        Assert.True(CublasKernels.Covers("aten::mm", [On(DType.Float32, 4, 5), On(DType.Float32, 5, 6)]));
        Assert.Equal([4L, 6L], CublasKernels.ResultSizes("aten::mm", [On(DType.Float32, 4, 5), On(DType.Float32, 5, 6)]));
        Assert.True(CublasKernels.Covers("aten::bmm", [On(DType.Float32, 2, 4, 5), On(DType.Float32, 2, 5, 6)]));
        Assert.Equal([2L, 4L, 6L], CublasKernels.ResultSizes("aten::matmul", [On(DType.Float32, 2, 4, 5), On(DType.Float32, 2, 5, 6)]));
        Assert.True(CublasKernels.Covers("aten::linear", [On(DType.Float32, 3, 7, 5), On(DType.Float32, 8, 5), On(DType.Float32, 8)]));
        Assert.Equal([3L, 7L, 8L], CublasKernels.ResultSizes("aten::linear", [On(DType.Float32, 3, 7, 5), On(DType.Float32, 8, 5), IValue.None]));
        Assert.True(CublasKernels.Covers("aten::addmm", [On(DType.Float32, 6), On(DType.Float32, 4, 5), On(DType.Float32, 5, 6), IValue.FromInt(1), IValue.FromDouble(0.5)]));
        Assert.Equal([4L, 6L], CublasKernels.ResultSizes("aten::addmm", [On(DType.Float32, 6), On(DType.Float32, 4, 5), On(DType.Float32, 5, 6)]));
    }

    [Fact]
    public void OtherCallsRunTheTemplates()
    {
        Assert.False(CublasKernels.Covers("aten::mm", [On(DType.Float64, 4, 5), On(DType.Float64, 5, 6)]));
        var transposed = IValue.FromTensor(On(DType.Float32, 5, 4).AsTensor.AsStrided([4, 5], [1, 4]));
        Assert.False(CublasKernels.Covers("aten::mm", [transposed, On(DType.Float32, 5, 6)]));
        Assert.False(CublasKernels.Covers("aten::matmul", [On(DType.Float32, 2, 4, 5), On(DType.Float32, 5, 6)]));
        Assert.False(CublasKernels.Covers("aten::mm", [IValue.FromTensor(Tensor.Empty(DType.Float32, [4, 5])), On(DType.Float32, 5, 6)]));
        Assert.False(CublasKernels.Covers("aten::conv2d", [On(DType.Float32, 1, 1, 4, 4), On(DType.Float32, 1, 1, 3, 3)]));
    }
}
