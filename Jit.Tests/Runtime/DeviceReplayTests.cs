using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Jit.Runtime.Static;
using Jit.Tensors;
using Jit.Tests.Models;
using Jit.Runtime.Devices;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Runtime;

/// <summary>
/// A device runtime records its plan's launches once a run repeats its bindings and replays them
/// after (<see cref="StaticRuntime.ReplayLaunches"/>): OpenCL queues record bound kernel objects,
/// Vulkan queues a command buffer. Replayed runs must give the walked result on fresh data every
/// time, allocate nothing, and never record a plan that needs the host mid-way. Written once, run
/// on every device backend this machine has.
/// </summary>
public abstract class DeviceReplayTests
{
    private static readonly CpuBackend Host = new(Device.Cpu);

    /// <summary>A new backend of the device under test; skips the test (saying why) where there is none.</summary>
    protected abstract IBackend OpenBackend();

    private IDeviceAllocator Allocator(IBackend backend) => backend.Allocator!;

    [Theory]
    [InlineData("elementwise")]
    [InlineData("mlp")]
    [InlineData("cnn")]
    [InlineData("resnet_block")]
    [InlineData("transformer")]
    [InlineData("tuple_out")]
    public void ReplayedRunsMatchTheHostOnFreshInputs(string name)
    {
        using var backend = OpenBackend();
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = Compile(module, backend);
        using var reference = Compile(module, Host);
        using var runtime = compiled.PlanFor(inputs).CreateRuntime();
        var random = new Random(7);
        for (int run = 0; run < 5; run++)
        {
            var fresh = inputs.Select(v => Fresh(v, random)).ToArray();
            var got = runtime.Run(fresh);
            var want = reference.Run(fresh);
            // The first run walks the steps, the second records and replays, the rest replay.
            Assert.True(run >= 1 == runtime.LastRunReplayed, $"{name} run {run}: replayed {runtime.LastRunReplayed}; refused: {runtime.RecordingRefused}");
            for (int i = 0; i < want.Length; i++) ValueAssert.Close(Jit.Runtime.Devices.DeviceTransfer.ToHost(want[i]), got[i], 1e-4, 1e-5, $"{name} run {run} output {i}");
        }
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn")]
    [InlineData("transformer")]
    public void AReplayedRunAllocatesNothing(string name)
    {
        using var backend = OpenBackend();
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = Compile(module, backend);
        var outputs = new IValue[compiled.OutputCount];
        for (int i = 0; i < 3; i++) compiled.Run(inputs, outputs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) compiled.Run(inputs, outputs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void NewBindingsWalkTheStepsThenRecordAgain()
    {
        using var backend = OpenBackend();
        var plan = StaticModule.Create(AddMul, backend, [Tensor.FromArray(new float[6], 2, 3)], fuse: true, host: Host);
        using var runtime = plan.CreateRuntime();
        var a = DeviceTesting.Iota(1, 2, 3).ToDevice(Allocator(backend));
        var b = DeviceTesting.Iota(-4, 2, 3).ToDevice(Allocator(backend));
        Assert.Equal(Expected(1), Elements(runtime.Run(a)));
        Assert.False(runtime.LastRunReplayed);
        Assert.Equal(Expected(1), Elements(runtime.Run(a)));
        Assert.True(runtime.LastRunReplayed);
        // Another device buffer: the recording's bindings no longer hold.
        Assert.Equal(Expected(-4), Elements(runtime.Run(b)));
        Assert.False(runtime.LastRunReplayed);
        Assert.Equal(Expected(-4), Elements(runtime.Run(b)));
        Assert.True(runtime.LastRunReplayed);
        Assert.Equal(Expected(1), Elements(runtime.Run(a)));
        Assert.False(runtime.LastRunReplayed);
    }

    [Fact]
    public void DeviceDestinationsGivenEachRunAreWrittenInPlaceByTheReplay()
    {
        using var backend = OpenBackend();
        var plan = StaticModule.Create(AddMul, backend, [Tensor.FromArray(new float[6], 2, 3)], fuse: true, host: Host);
        using var runtime = plan.CreateRuntime();
        var destination = Tensor.EmptyOn(Allocator(backend), DType.Float32, [2, 3]);
        var input = Tensor.EmptyOn(Allocator(backend), DType.Float32, [2, 3]);
        for (int run = 0; run < 4; run++)
        {
            DeviceTesting.Iota(run, 2, 3).UploadTo(input.Storage.Buffer!);
            var outputs = new IValue[] { IValue.FromTensor(destination) };
            runtime.Run([IValue.FromTensor(input)], outputs);
            Assert.Same(destination, outputs[0].AsTensor);
            Assert.Equal(run >= 1, runtime.LastRunReplayed);
            Assert.Equal(Expected(run), DeviceTesting.Elements(destination));
        }
    }

    [Fact]
    public void APlanThatReadsDeviceDataMidwayIsNeverRecorded()
    {
        using var backend = OpenBackend();
        // item() downloads in the middle of the plan: the recording is refused and the steps walked.
        var graph = Graph.Parse("""
            graph(%x : Float(2, 3)):
              %none : NoneType = prim::Constant()
              %s : Tensor = aten::sum(%x, %none)
              %v : float = aten::item(%s)
              %one : int = prim::Constant[value=1]()
              %y : Tensor = aten::add(%x, %v, %one)
              return (%y)
            """);
        var plan = StaticModule.Create(graph, backend, [Tensor.FromArray(new float[6], 2, 3)], fuse: true, host: Host);
        using var runtime = plan.CreateRuntime();
        for (int run = 0; run < 4; run++)
        {
            var x = DeviceTesting.Iota(run, 2, 3);
            var data = DeviceTesting.Elements(x);
            float sum = data.Sum();
            Assert.Equal(data.Select(v => v + sum).ToArray(), Elements(runtime.Run(x)));
            Assert.False(runtime.LastRunReplayed);
        }
    }

    [Fact]
    public void ReplayCanBeTurnedOff()
    {
        using var backend = OpenBackend();
        var plan = StaticModule.Create(AddMul, backend, [Tensor.FromArray(new float[6], 2, 3)], fuse: true, host: Host);
        using var runtime = plan.CreateRuntime();
        runtime.ReplayLaunches = false;
        for (int run = 0; run < 3; run++)
        {
            Assert.Equal(Expected(run), Elements(runtime.Run(DeviceTesting.Iota(run, 2, 3))));
            Assert.False(runtime.LastRunReplayed);
        }
    }

    [Fact]
    public void DisposingARuntimeReleasesItsRecording()
    {
        using var backend = OpenBackend();
        var f = ModelFixture.Get("transformer");
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = Compile(module, backend);
        var plan = compiled.PlanFor(inputs);
        using (var warm = plan.CreateRuntime()) warm.Run(inputs);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long buffers = Allocator(backend).LiveBuffers, bytes = Allocator(backend).LiveBytes;
        for (int i = 0; i < 20; i++)
        {
            using var runtime = plan.CreateRuntime();
            for (int run = 0; run < 3; run++) runtime.Run(inputs);
            Assert.True(runtime.LastRunReplayed);
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(buffers, Allocator(backend).LiveBuffers);
        Assert.Equal(bytes, Allocator(backend).LiveBytes);
    }

    private static CompiledModule Compile(JitModule module, IBackend backend) =>
        module.Compile(backend, new CompiledModuleOptions { Fusion = true, Host = Host });

    private static readonly Graph AddMul = Graph.Parse("""
        graph(%x : Float(2, 3)):
          %one : int = prim::Constant[value=1]()
          %three : float = prim::Constant[value=3.]()
          %y : Tensor = aten::mul(%x, %three)
          %z : Tensor = aten::add(%y, %x, %one)
          return (%z)
        """);

    // 4x for Iota(seed): 3x + x.
    private static float[] Expected(float seed) => DeviceTesting.Elements(DeviceTesting.Iota(seed, 2, 3)).Select(v => 4 * v).ToArray();

    private static float[] Elements(IValue[] outputs) => DeviceTesting.Elements(outputs[0].AsTensor);

    // A float tensor of the same shape with new random values; anything else as it is.
    private static IValue Fresh(IValue v, Random random)
    {
        if (!v.IsTensor || v.AsTensor.DType != DType.Float32) return v;
        var t = v.AsTensor;
        var data = new float[t.NumElements];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 4 - 2);
        return IValue.FromTensor(Tensor.FromArray(data, t.SizesArray()));
    }
}

public sealed class OpenCLReplayTests : DeviceReplayTests
{
    protected override IBackend OpenBackend()
    {
        if (Testing.OpenCLFactAttribute.SkipReason is { } reason) Assert.Skip(reason);
        return OpenCL.OpenCLTesting.Open();
    }
}

public sealed class VulkanReplayTests : DeviceReplayTests
{
    protected override IBackend OpenBackend()
    {
        if (Testing.VulkanFactAttribute.SkipReason is { } reason) Assert.Skip(reason);
        return Vulkan.VulkanTesting.Open();
    }
}

/// <summary>On a real <c>cuda:0</c> only (CUDA graphs): ILGPU's CPU accelerator has no stream capture.</summary>
public sealed class CudaReplayTests : DeviceReplayTests
{
    protected override IBackend OpenBackend()
    {
        if (Conformance.CudaDeviceConformanceTests.Gpu is null) Assert.Skip("no CUDA GPU (graph capture needs the driver)");
        return new Backends.Cuda.CudaBackend(new Device(DeviceKind.Cuda, 0));
    }
}
