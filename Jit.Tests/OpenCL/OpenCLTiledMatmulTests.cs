using Jit.Backends.Cpu;
using Jit.Ops;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Kernels.Templates;
using Jit.Tests.Testing;
using Xunit;
using static Jit.Tests.Kernels.Templates.TemplateData;

namespace Jit.Tests.OpenCL;

/// <summary>
/// The matrix products run tiled in local memory on the OpenCL device (GpuExternKernels picks the
/// tiled form) and match the CPU backend's kernels, on shapes around the tile edges and on
/// transposed, offset and expanded operands read in place.
/// </summary>
public sealed class OpenCLTiledMatmulTests
{
    private static readonly CpuBackend Cpu = new(Device.Cpu);

    private static void Check(Backends.OpenCL.OpenCLBackend backend, string overload, params IValue[] given)
    {
        var schema = OpRegistry.Default.FindOverload(overload)!;
        var args = OpRegistry.FillDefaults(schema, given);
        Assert.True(Cpu.Kernels.TryGet(overload, out var cpu));
        var expected = new IValue[1];
        cpu(args, expected);
        var deviceArgs = args.Select(a => a.IsTensor ? IValue.FromTensor(a.AsTensor.ToDevice(backend.Allocator)) : a).ToArray();
        Assert.True(backend.Kernels.TryGet(overload, out var device), $"no OpenCL kernel for {overload}");
        var actual = new IValue[1];
        device(deviceArgs, actual);
        ValueAssert.TensorClose(expected[0].AsTensor, actual[0].AsTensor.ToHost(), rtol: 1e-5, atol: 1e-5, where: overload);
    }

    [OpenCLFact]
    public void MmMatchesTheCpuKernelAroundTileEdges()
    {
        using var backend = OpenCLTesting.Open();
        var rng = new Random(41);
        foreach (var (m, k, n) in new[] { (1L, 1L, 1L), (64L, 16L, 64L), (65L, 17L, 63L), (3L, 100L, 130L), (129L, 2L, 5L) })
        {
            Check(backend, "aten::mm", IValue.FromTensor(Random(rng, DType.Float32, [m, k])), IValue.FromTensor(Random(rng, DType.Float32, [k, n], TensorLayout.Transposed)));
            Check(backend, "aten::mm", IValue.FromTensor(Random(rng, DType.Float64, [m, k], TensorLayout.Offset)), IValue.FromTensor(Random(rng, DType.Float64, [k, n])));
        }
        Check(backend, "aten::mm", IValue.FromTensor(Random(rng, DType.Float16, [33, 21])), IValue.FromTensor(Random(rng, DType.Float16, [21, 70])));
    }

    [OpenCLFact]
    public void BatchedAndEpilogueProductsMatchTheCpuKernels()
    {
        using var backend = OpenCLTesting.Open();
        var rng = new Random(42);
        IValue T(DType dtype, long[] sizes, TensorLayout layout = TensorLayout.Contiguous) => IValue.FromTensor(Random(rng, dtype, sizes, layout));
        Check(backend, "aten::bmm", T(DType.Float32, [3, 70, 5], TensorLayout.Transposed), T(DType.Float32, [3, 5, 9]));
        Check(backend, "aten::matmul", T(DType.Float32, [2, 1, 3, 20]), T(DType.Float32, [4, 20, 66], TensorLayout.Expanded));
        Check(backend, "aten::linear", T(DType.Float32, [2, 5, 18]), T(DType.Float32, [67, 18]), T(DType.Float32, [67]));
        Check(backend, "aten::addmm", T(DType.Float32, [1, 65]), T(DType.Float32, [3, 17]), T(DType.Float32, [17, 65]), IValue.FromDouble(0.5), IValue.FromDouble(2.0));
        Check(backend, "aten::baddbmm", T(DType.Float32, [2, 4, 66]), T(DType.Float32, [2, 4, 17]), T(DType.Float32, [2, 17, 66]), IValue.FromDouble(-1.0), IValue.FromDouble(3.0));
        Check(backend, "aten::mm", T(DType.Int64, [5, 7]), T(DType.Int64, [7, 66]));
    }
}
