using Jit.Codegen;
using Jit.Kernels;
using Jit.Runtime;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Kernels.Templates.TemplateData;

namespace Jit.Tests.Kernels.Templates;

/// <summary>
/// The GPU (tiled) form of the matrix products, run by TeEvaluator on shapes around the tile
/// edges (TemplateHarness compares it with the loop nest and the CPU kernel).
/// </summary>
public sealed class TiledMatrixProductTests
{
    public static TheoryData<long, long, long> EdgeShapes => new()
    {
        { 1, 1, 1 },
        { 64, 16, 64 },
        { 65, 17, 63 },
        { 3, 40, 130 },
        { 129, 2, 5 },
    };

    [Theory]
    [MemberData(nameof(EdgeShapes))]
    public void MmTilesAnyShape(long m, long k, long n)
    {
        var rng = new Random(31);
        var h = new TemplateHarness();
        h.Check("aten::mm", Random(rng, DType.Float32, [m, k]), Random(rng, DType.Float32, [k, n], TensorLayout.Transposed));
        h.Check("aten::mm", Random(rng, DType.Int64, [m, k], TensorLayout.Offset), Random(rng, DType.Int64, [k, n]));
    }

    [Fact]
    public void TheGpuFormIsOneTiledStage()
    {
        var rng = new Random(30);
        var args = new[] { IValue.FromTensor(Random(rng, DType.Float32, [5, 3])), IValue.FromTensor(Random(rng, DType.Float32, [3, 2])) };
        Assert.True(ExternKernels.TryBuild("aten::mm", args, KernelTarget.Gpu, out var gpu, out var reason), reason);
        var stage = Assert.Single(GpuSchedule.Apply(gpu.Kernel).Stages);
        Assert.Equal(GpuStageKind.Tiled, stage.Kind);
        Assert.Equal(64, stage.LocalSize);
        var source = OpenCLRenderer.Render(gpu.Kernel).Source;
        Assert.Contains("__local float", source);
        Assert.Contains("barrier(CLK_LOCAL_MEM_FENCE);", source);
    }

    [Fact]
    public void BatchedAndEpilogueProductsTile()
    {
        var rng = new Random(32);
        var h = new TemplateHarness();
        h.Check("aten::bmm", Random(rng, DType.Float32, [3, 70, 5], TensorLayout.Transposed), Random(rng, DType.Float32, [3, 5, 9]));
        h.Check("aten::matmul", Random(rng, DType.Float64, [2, 1, 3, 20]), Random(rng, DType.Float64, [4, 20, 66], TensorLayout.Expanded));
        h.Check("aten::linear", Random(rng, DType.Float32, [2, 5, 18]), Random(rng, DType.Float32, [67, 18]), Random(rng, DType.Float32, [67]));
        h.Check("aten::addmm", Random(rng, DType.Float32, [1, 65]), Random(rng, DType.Float32, [3, 17]), Random(rng, DType.Float32, [17, 65]),
            IValue.FromDouble(0.5), IValue.FromDouble(2.0));
        h.Check("aten::baddbmm", Random(rng, DType.Int32, [2, 4, 66]), Random(rng, DType.Int32, [2, 4, 17]), Random(rng, DType.Int32, [2, 17, 66]),
            IValue.FromInt(3), IValue.FromInt(-2));
        h.Check("aten::mm", Random(rng, DType.Float16, [33, 21]), Random(rng, DType.Float16, [21, 70]));
    }

    [Fact]
    public void VectorProductsStayLoopNests()
    {
        var rng = new Random(33);
        var args = new[] { IValue.FromTensor(Random(rng, DType.Float32, [4, 3])), IValue.FromTensor(Random(rng, DType.Float32, [3])) };
        Assert.True(ExternKernels.TryBuild("aten::matmul", args, KernelTarget.Gpu, out var gpu, out var reason), reason);
        Assert.NotEqual(GpuStageKind.Tiled, GpuSchedule.Apply(gpu.Kernel).Stages[0].Kind);
    }
}
