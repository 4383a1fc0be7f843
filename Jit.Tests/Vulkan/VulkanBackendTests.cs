using Jit.Backends.Vulkan;
using Jit.Codegen.Spirv;
using Jit.Errors;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.Tensors;
using Jit.Tests.Codegen.Spirv;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Vulkan;

/// <summary>Opening <c>vulkan</c>: device choice, features and limits, kernels refused for a missing feature, the pipeline cache on disk, kernels run.</summary>
public sealed class VulkanBackendTests
{
    [VulkanFact]
    public void OpensTheDeviceWithItsFeaturesAndLimits()
    {
        using var backend = VulkanTesting.Open();
        Assert.Equal(DeviceKind.Vulkan, backend.Device.Kind);
        Assert.Equal(0, backend.Device.Index);
        Assert.Contains("shaderInt64", backend.Info.Features);
        Assert.True(backend.Info.MaxPushConstantBytes >= 128);
        Assert.True(backend.Info.SubgroupSize > 0);
        Assert.True(backend.Info.MaxWorkGroupSize >= 128);
        Assert.Equal(backend.Info.Name, VulkanDevices.Enumerate()[0].Name);
        VulkanTesting.AssertValidationClean(backend);
    }

    [VulkanFact]
    public void AnIndexPastTheDevicesNamesThem()
    {
        var e = Assert.Throws<DeviceUnavailableException>(() => new VulkanBackend(new Device(DeviceKind.Vulkan, 99)));
        Assert.Contains("index 99", e.Message);
        Assert.Contains(VulkanDevices.Enumerate()[0].Name, e.Message);
    }

    [VulkanFact]
    public void AKernelNeedingAFeatureTheDeviceLacksFailsAtCompileNamingIt()
    {
        using var backend = VulkanTesting.Open();
        var program = VulkanRenderer.Render(SpirvArgumentBufferTests.WideKernel(), 64, backend.Info.MaxPushConstantBytes);
        var e = Assert.Throws<JitDeviceException>(() => backend.Build(program with { RequiredFeatures = ["shaderInt64", "shaderImaginaryFloat7"] }));
        Assert.Contains("shaderImaginaryFloat7", e.Message);
        Assert.Contains("wide", e.Message);
    }

    [VulkanFact]
    public void ArgumentsBeyondThePushConstantsRunFromABuffer()
    {
        using var backend = VulkanTesting.Open();
        var kernel = backend.GpuKernels.GetOrCompile(SpirvArgumentBufferTests.WideKernel());
        var a = VulkanTesting.Iota(1, 2, 3, 4);
        var b = VulkanTesting.Iota(10, 4, 3, 2).AsStrided([2, 3, 4], [1, 2, 6]);
        var c = VulkanTesting.Iota(-5, 3, 4).AsStrided([2, 3, 4], [0, 4, 1]);
        var d = VulkanTesting.Iota(7, 2, 3, 4);
        Assert.True(VulkanRenderer.Render(kernel.Kernel, 64, backend.Info.MaxPushConstantBytes).ArgumentsInBuffer || backend.Info.MaxPushConstantBytes > 128);
        var result = kernel.Run([.. new[] { a, b, c, d }.Select(t => IValue.FromTensor(t.ToDevice(backend.Allocator)))])[0].AsTensor;
        var expected = new float[24];
        var (ea, eb, ec, ed) = (VulkanTesting.Elements(a), VulkanTesting.Elements(b), VulkanTesting.Elements(c), VulkanTesting.Elements(d));
        for (int i = 0; i < 24; i++) expected[i] = ea[i] + eb[i] + ec[i] + ed[i];
        Assert.Equal(expected, VulkanTesting.Elements(result));
        VulkanTesting.AssertValidationClean(backend);
    }

    [VulkanFact]
    public void RoundIsHalfToEvenOnFloat64()
    {
        using var backend = VulkanTesting.Open();
        var b = new TeBuilder("round");
        var n = b.Size("n");
        var x = b.Input("x", DType.Float64, [n]);
        b.Compute("y", DType.Float64, [n], i => Expr.Call(Intrinsic.Round, x.Load([.. i])));
        var kernel = backend.GpuKernels.GetOrCompile(b.Build());
        double[] values = [0.5, 1.5, 2.5, 3.5, -2.5, 1467.5, 1468.5, -0.3, 2.7, double.PositiveInfinity, 4503599627370497];
        var input = Tensor.FromArray(values, values.Length).ToDevice(backend.Allocator);
        var result = kernel.Run([IValue.FromTensor(input)])[0].AsTensor.ToHost().ContiguousSpan<double>().ToArray();
        Assert.Equal([0, 2, 2, 4, -2, 1468, 1468, 0, 3, double.PositiveInfinity, 4503599627370497], result);
        VulkanTesting.AssertValidationClean(backend);
    }

    [VulkanFact]
    public void ThePipelineCacheIsKeptOnDisk()
    {
        var dir = Directory.CreateTempSubdirectory("jit-vulkan-cache-");
        try
        {
            using (var first = VulkanTesting.Open(dir.FullName))
            {
                Assert.Equal(0, first.PipelineCache.LoadedBytes);
                first.GpuKernels.GetOrCompile(SpirvArgumentBufferTests.WideKernel());
            }
            Assert.NotEmpty(dir.GetFiles("pipelines-*.bin"));
            using var second = VulkanTesting.Open(dir.FullName);
            Assert.True(second.PipelineCache.LoadedBytes > 0);
            second.GpuKernels.GetOrCompile(SpirvArgumentBufferTests.WideKernel());
            VulkanTesting.AssertValidationClean(second);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [VulkanFact]
    public void TimestampsGiveEachLaunchItsDeviceTime()
    {
        using var backend = VulkanTesting.Open();
        Assert.True(backend.Info.QueueHasTimestamps);
        var kernel = backend.GpuKernels.GetOrCompile(SpirvArgumentBufferTests.WideKernel());
        var inputs = Enumerable.Range(0, 4).Select(k => IValue.FromTensor(VulkanTesting.Iota(k, 2, 3, 4).ToDevice(backend.Allocator))).ToArray();
        kernel.Run(inputs);
        backend.DefaultQueue.Synchronize();
        Assert.Empty(backend.KernelTimes.Snapshot());
        backend.KernelTimes.Enabled = true;
        for (int i = 0; i < 3; i++) kernel.Run(inputs);
        backend.DefaultQueue.Synchronize();
        var (name, us, launches) = Assert.Single(backend.KernelTimes.Snapshot());
        Assert.Equal("wide", name);
        Assert.Equal(3, launches);
        Assert.True(us > 0);
        VulkanTesting.AssertValidationClean(backend);
    }

    [VulkanFact]
    public void AKernelOverAnEmptyTensorBuildsNothingAndRuns()
    {
        using var backend = VulkanTesting.Open();
        var b = new TeBuilder("empty");
        var x = b.Input("x", DType.Float32, [Expr.Int(0), Expr.Int(3)], contiguous: true);
        b.Compute("y", DType.Float32, [Expr.Int(0), Expr.Int(3)], i => x.Load([.. i]) + Expr.Const(1, DType.Float32));
        var kernel = backend.GpuKernels.GetOrCompile(b.Build());
        var input = Tensor.EmptyOn(backend.Allocator, DType.Float32, [0, 3]);
        var result = kernel.Run([IValue.FromTensor(input)])[0].AsTensor;
        Assert.Equal([0L, 3L], result.SizesArray());
        backend.DefaultQueue.Synchronize();
        VulkanTesting.AssertValidationClean(backend);
    }

    // Lavapipe took sign-extended negative int32s for non-negative in the sign test (-3 // -2 gave 0).
    [VulkanFact]
    public void FloorDivisionOfAWidenedInt32IsPythons()
    {
        using var backend = VulkanTesting.Open();
        var b = new TeBuilder("floordiv");
        var n = b.Size("n");
        var x = b.Input("x", DType.Int32, [n]);
        var y = b.Input("y", DType.Int64, [n]);
        b.Compute("z", DType.Int64, [n], i => Expr.Call(Intrinsic.FloorDiv, Expr.Cast(x.Load([.. i]), DType.Int64), y.Load([.. i])));
        var kernel = backend.GpuKernels.GetOrCompile(b.Build());
        var xs = Tensor.FromArray(new[] { 4, -4, -3, 3, -1, 0, 7, -7 }, 8).ToDevice(backend.Allocator);
        var ys = Tensor.FromArray(new long[] { 4, 1, -2, -3, -3, -2, -2, 2 }, 8).ToDevice(backend.Allocator);
        var z = kernel.Run([IValue.FromTensor(xs), IValue.FromTensor(ys)])[0].AsTensor.ToHost().ContiguousSpan<long>().ToArray();
        Assert.Equal([1L, -4, 1, -1, 0, 0, -4, -4], z);
        VulkanTesting.AssertValidationClean(backend);
    }

    // Vulkan leaves x / 0 undefined; the emitter writes IEEE's answers out.
    [VulkanFact]
    public void FloatDivisionByZeroIsIeee()
    {
        using var backend = VulkanTesting.Open();
        var b = new TeBuilder("div");
        var n = b.Size("n");
        var x = b.Input("x", DType.Float32, [n]);
        var y = b.Input("y", DType.Float32, [n]);
        b.Compute("z", DType.Float32, [n], i => x.Load([.. i]) / y.Load([.. i]));
        var kernel = backend.GpuKernels.GetOrCompile(b.Build());
        var xs = Tensor.FromArray(new[] { 1f, -1f, 0f, float.NaN, 2f, -3f }, 6).ToDevice(backend.Allocator);
        var ys = Tensor.FromArray(new[] { 0f, 0f, 0f, 0f, -0f, 4f }, 6).ToDevice(backend.Allocator);
        var z = kernel.Run([IValue.FromTensor(xs), IValue.FromTensor(ys)])[0].AsTensor.ToHost().ContiguousSpan<float>().ToArray();
        Assert.Equal([float.PositiveInfinity, float.NegativeInfinity, float.NaN, float.NaN, float.NegativeInfinity, -0.75f], z);
        VulkanTesting.AssertValidationClean(backend);
    }
}
