using Jit.Backends.Cpu;
using Jit.Errors;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Jit.Tests.Models;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Runtime;

/// <summary>
/// The static runtime on a device, written once and run on every device backend this machine has
/// (a subclass per backend, beside its own tests): memory released after compile/run/dispose
/// cycles, weights uploaded once, 16 threads giving the single-threaded result, out of memory
/// leaving nothing, outputs kept on the device, a host output filled.
/// </summary>
public abstract class DeviceRuntimeTests
{
    private static readonly CpuBackend Host = new(Device.Cpu);

    /// <summary>A new backend of the device under test (quiet: without per-command checking such as Vulkan's validation layer, for the long loops); skips the test where there is none.</summary>
    protected abstract IBackend OpenBackend(bool quiet = false);

    /// <summary>Compile/run/dispose cycles per fixture, and runs per thread of the 16.</summary>
    protected virtual int Cycles => 1000;
    protected virtual int ThreadRuns => 1000;

    /// <summary>Elements of a broadcast output too big for the device (a float32 each).</summary>
    protected virtual long HugeElements => 1L << 32;

    /// <summary>Checks after a test on a backend it opened (Vulkan: no validation message).</summary>
    protected virtual void AfterTest(IBackend backend) { }

    private static CompiledModule Compile(JitModule module, IBackend backend, bool deviceOutputs = false) =>
        module.Compile(backend, new CompiledModuleOptions { Fusion = true, Host = Host, DeviceOutputs = deviceOutputs });

    private static IDeviceAllocator Allocator(IBackend backend) => backend.Allocator!;

    [Theory]
    [InlineData("elementwise")]
    [InlineData("mlp")]
    public void CompileRunDisposeCyclesLeaveDeviceMemoryWhereItStarted(string name)
    {
        using var backend = OpenBackend(quiet: true);
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using (var warm = Compile(module, backend)) warm.Run(inputs);
        Settle(backend);
        long bytes = Allocator(backend).LiveBytes, buffers = Allocator(backend).LiveBuffers;
        for (int i = 0; i < Cycles; i++)
        {
            using var compiled = Compile(module, backend);
            compiled.Run(inputs);
        }
        Settle(backend);
        Assert.Equal(bytes, Allocator(backend).LiveBytes);
        Assert.Equal(buffers, Allocator(backend).LiveBuffers);
    }

    [Fact]
    public void WeightsAreUploadedOncePerCompiledModule()
    {
        using var backend = OpenBackend();
        var f = ModelFixture.Get("mlp");
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = Compile(module, backend);
        // The second run records the plan's launches (their temporaries held by the recording).
        compiled.Run(inputs);
        compiled.Run(inputs);
        Settle(backend);
        long afterTwo = Allocator(backend).LiveBuffers;
        for (int i = 0; i < 20; i++) compiled.Run(inputs);
        Settle(backend);
        Assert.Equal(afterTwo, Allocator(backend).LiveBuffers);
        AfterTest(backend);
    }

    [Theory]
    [InlineData("elementwise")]
    [InlineData("cnn")]
    public void SixteenThreadsGiveTheSingleThreadedResult(string name)
    {
        using var backend = OpenBackend(quiet: true);
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = Compile(module, backend);
        var expected = compiled.Forward(inputs);
        int runs = name == "elementwise" ? ThreadRuns : Math.Max(1, ThreadRuns / 10);
        int mismatches = 0;
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ =>
        {
            for (int i = 0; i < runs; i++)
                if (!Same(expected, compiled.Forward(inputs))) Interlocked.Increment(ref mismatches);
        });
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void AnOutputTooBigForTheDeviceIsOutOfMemoryAndLeavesNothing()
    {
        using var backend = OpenBackend();
        var graph = Graph.Parse($$"""
            graph(%x : Float(1)):
              %s : int[] = prim::Constant[value=[{{HugeElements}}]]()
              %f : bool = prim::Constant[value=0]()
              %e : Tensor = aten::expand(%x, %s, %f)
              %two : float = prim::Constant[value=2.]()
              %y : Tensor = aten::mul(%e, %two)
              return (%y)
            """);
        Settle(backend);
        long bytes = Allocator(backend).LiveBytes;
        using (var compiled = CompiledModule.Create(graph, backend, options: new CompiledModuleOptions { Fusion = true, Host = Host }))
            Assert.Throws<DeviceOutOfMemoryException>(() => compiled.Run(IValue.FromTensor(Jit.Tensors.Tensor.FromArray([1f], 1))));
        Settle(backend);
        Assert.Equal(bytes, Allocator(backend).LiveBytes);
        AfterTest(backend);
    }

    [Fact]
    public void DeviceOutputsStayOnTheDeviceAndMatch()
    {
        using var backend = OpenBackend();
        var f = ModelFixture.Get("elementwise");
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = Compile(module, backend, deviceOutputs: true);
        var result = compiled.Forward(inputs);
        Assert.Equal(backend.Device, result.AsTensor.Device);
        Assert.Throws<HostAccessException>(() => result.AsTensor.GetDouble(0));
        f.AssertMatches(IValue.FromTensor(result.AsTensor.ToHost()));
        // Device tensors given as inputs are used where they are.
        var again = compiled.Forward([.. inputs.Select(v => IValue.FromTensor(v.AsTensor.ToDevice(Allocator(backend))))]);
        f.AssertMatches(IValue.FromTensor(again.AsTensor.ToHost()));
        AfterTest(backend);
    }

    [Fact]
    public void AHostOutputGivenIsFilledWithTheDeviceResult()
    {
        using var backend = OpenBackend();
        var f = ModelFixture.Get("elementwise");
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = Compile(module, backend);
        var expected = compiled.Forward(inputs).AsTensor;
        var given = Jit.Tensors.Tensor.Empty(expected.DType, expected.Sizes);
        var outputs = new IValue[] { IValue.FromTensor(given) };
        compiled.Run(inputs, outputs);
        Assert.Same(given, outputs[0].AsTensor);
        ValueAssert.Close(IValue.FromTensor(expected), outputs[0], 0, 0);
        AfterTest(backend);
    }

    private static bool Same(IValue a, IValue b)
    {
        var x = ModelFixture.Flatten(a);
        var y = ModelFixture.Flatten(b);
        for (int i = 0; i < x.Length; i++)
            if (!x[i].AsTensor.ToHost().Storage.Bytes.Span.SequenceEqual(y[i].AsTensor.ToHost().Storage.Bytes.Span)) return false;
        return true;
    }

    // Buffers dropped without Dispose go to their finalizers; a device frees a buffer once the commands using it are done.
    protected static void Settle(IBackend backend)
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            backend.Queue?.Synchronize();
        }
    }
}
