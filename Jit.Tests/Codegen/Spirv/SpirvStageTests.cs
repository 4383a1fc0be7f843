using Jit.Codegen;
using Jit.Codegen.Spirv;
using Jit.Kernels;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Kernels.Templates;
using Jit.Tests.TensorExpr;
using Xunit;
using static Jit.Tests.Kernels.Templates.TemplateData;

namespace Jit.Tests.Codegen.Spirv;

/// <summary>
/// Each kind of GPU stage emitted as SPIR-V validates: row reductions as work-group trees
/// (sum, amax, softmax, layer_norm, a whole-tensor any) with their serial forms, and the tiled
/// matrix product of the extern-op templates (local tiles, per-work-item registers, barriers).
/// </summary>
public sealed class SpirvStageTests
{
    private static IReadOnlyList<(string, SpirvProgram)> Reductions()
    {
        var rng = new Random(12);
        var x = new TensorArg(DType.Float32, [3, 300]);
        var cases = new (string Op, LArg[] Args)[]
        {
            ("aten::sum.dim_IntList", [x, ConstArg.Ints(1), ConstArg.Bool(false), ConstArg.None]),
            ("aten::amax", [x, ConstArg.Ints(1), ConstArg.Bool(true)]),
            ("aten::softmax.int", [x, ConstArg.Int(1), ConstArg.None]),
            ("aten::layer_norm", [x, ConstArg.Ints(300), new TensorArg(DType.Float32, [300]), new TensorArg(DType.Float32, [300]), ConstArg.Float(1e-5), ConstArg.Bool(true)]),
            ("aten::sum.dim_IntList", [new TensorArg(DType.Int64, [3, 300]), ConstArg.Ints(1), ConstArg.Bool(false), ConstArg.None]),
            ("aten::any", [new TensorArg(DType.Bool, [4, 90])]),
        };
        var list = new List<(string, SpirvProgram)>();
        foreach (var (op, args) in cases)
        {
            var (kernel, _) = GpuScheduleHarness.Lower(op, args, rng);
            foreach (int localSize in new[] { 64, 256 })
            {
                var program = VulkanRenderer.Render(kernel, localSize);
                Assert.Contains(program.Stages, s => s.Kind == GpuStageKind.GroupPerRow);
                list.Add(($"{op} local {localSize}", program));
            }
        }
        return list;
    }

    [Fact]
    public void ReductionsUseWorkgroupMemoryAndBarriers()
    {
        foreach (var (label, program) in Reductions())
        {
            var listing = program.Listing();
            Assert.True(listing.Contains("OpControlBarrier", StringComparison.Ordinal), label);
            Assert.True(listing.Contains("OpTypePointer Workgroup", StringComparison.Ordinal), label);
        }
    }

    [SpirvValFact]
    public void ReductionsValidate() => SpirvValidator.AssertValid(Reductions());

    [SpirvValFact]
    public void TiledMatrixProductValidates()
    {
        var rng = new Random(30);
        var modules = new List<(string, SpirvProgram)>();
        foreach (var dtype in new[] { DType.Float32, DType.Int64 })
        {
            var args = new[] { IValue.FromTensor(Random(rng, dtype, [70, 33])), IValue.FromTensor(Random(rng, dtype, [33, 65])) };
            Assert.True(ExternKernels.TryBuild("aten::mm", args, KernelTarget.Gpu, out var gpu, out var reason), reason);
            var program = VulkanRenderer.Render(gpu.Kernel);
            Assert.Equal(GpuStageKind.Tiled, Assert.Single(program.Stages).Kind);
            modules.Add(($"mm {dtype.PythonName()}", program));
        }
        SpirvValidator.AssertValid(modules);
    }

    // The other extern-op templates (convolution, pooling, gathers, concatenation, copies) in their GPU form.
    [SpirvValFact]
    public void ExternTemplatesValidate()
    {
        var rng = new Random(31);
        var cases = new (string Op, IValue[] Args)[]
        {
            ("aten::conv2d", [Random(rng, DType.Float32, [1, 2, 6, 6]), Random(rng, DType.Float32, [3, 2, 3, 3]), IValue.None, Ints(1, 1), Ints(1, 1), Ints(1, 1), 1L]),
            ("aten::max_pool2d", [Random(rng, DType.Float32, [1, 2, 6, 6]), Ints(2, 2), Ints(2, 2), Ints(0, 0), Ints(1, 1), false]),
            ("aten::adaptive_avg_pool2d", [Random(rng, DType.Float32, [1, 2, 7, 7]), Ints(3, 3)]),
            ("aten::embedding", [Random(rng, DType.Float32, [6, 3]), Indices(rng, 6, [2, 4])]),
            ("aten::index_select", [Random(rng, DType.Int64, [4, 5]), 1L, Indices(rng, 5, [3])]),
            ("aten::gather", [Random(rng, DType.Float32, [4, 5]), 1L, Indices(rng, 5, [4, 2])]),
            ("aten::cat", [List(Random(rng, DType.Float32, [2, 3]), Random(rng, DType.Float32, [1, 3])), 0L]),
            ("aten::contiguous", [Random(rng, DType.Float32, [2, 3, 2], TensorLayout.Transposed)]),
        };
        var modules = new List<(string, SpirvProgram)>();
        foreach (var (op, args) in cases)
        {
            Assert.True(ExternKernels.TryBuild(op, args, KernelTarget.Gpu, out var gpu, out var reason), $"{op}: {reason}");
            modules.Add((op, VulkanRenderer.Render(gpu.Kernel)));
        }
        SpirvValidator.AssertValid(modules);
    }
}
