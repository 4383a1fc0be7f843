using Jit.Backends.Cpu;
using Jit.Errors;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Jit.Runtime.Static;
using Jit.Tests.Models;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.OpenCL;

/// <summary>The static runtime on <c>opencl</c>: weights uploaded once, memory released, threads, out of memory, outputs kept on the device.</summary>
public sealed class OpenCLRuntimeTests
{
    private static readonly CpuBackend Host = new(Device.Cpu);

    private static CompiledModule Compile(JitModule module, IBackend backend, bool deviceOutputs = false) =>
        module.Compile(backend, new CompiledModuleOptions { Fusion = true, Host = Host, DeviceOutputs = deviceOutputs });

    [OpenCLFact]
    public void CompileRunDisposeCyclesLeaveDeviceMemoryWhereItStarted()
    {
        using var backend = OpenCLTesting.Open();
        foreach (var name in new[] { "elementwise", "mlp" })
        {
            var f = ModelFixture.Get(name);
            var module = JitModule.Load(f.ModelPath);
            var inputs = f.Inputs(module);
            using (var warm = Compile(module, backend)) warm.Run(inputs);
            Settle();
            long bytes = backend.Allocator.LiveBytes, buffers = backend.Allocator.LiveBuffers;
            for (int i = 0; i < 1000; i++)
            {
                using var compiled = Compile(module, backend);
                compiled.Run(inputs);
            }
            // Host steps upload their results into buffers the GC releases; everything else is released at Dispose.
            Settle();
            Assert.Equal(bytes, backend.Allocator.LiveBytes);
            Assert.Equal(buffers, backend.Allocator.LiveBuffers);
        }
    }

    [OpenCLFact]
    public void WeightsAreUploadedOncePerCompiledModule()
    {
        using var backend = OpenCLTesting.Open();
        var f = ModelFixture.Get("mlp");
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = Compile(module, backend);
        // The second run records the plan's launches (their temporaries held by the recording).
        compiled.Run(inputs);
        compiled.Run(inputs);
        Settle();
        long afterFirst = backend.Allocator.LiveBuffers;
        for (int i = 0; i < 20; i++) compiled.Run(inputs);
        Settle();
        Assert.Equal(afterFirst, backend.Allocator.LiveBuffers);
    }

    [OpenCLFact]
    public void SixteenThreadsGiveTheSingleThreadedResult()
    {
        using var backend = OpenCLTesting.Open();
        foreach (var name in new[] { "elementwise", "cnn" })
        {
            var f = ModelFixture.Get(name);
            var module = JitModule.Load(f.ModelPath);
            var inputs = f.Inputs(module);
            using var compiled = Compile(module, backend);
            var expected = compiled.Forward(inputs);
            int runs = name == "elementwise" ? 1000 : 100;
            var mismatches = 0;
            Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ =>
            {
                for (int i = 0; i < runs; i++)
                    if (!Same(expected, compiled.Forward(inputs))) Interlocked.Increment(ref mismatches);
            });
            Assert.Equal(0, mismatches);
        }
    }

    [OpenCLFact]
    public void AnOutputTooBigForTheDeviceIsOutOfMemoryAndLeavesNothing()
    {
        using var backend = OpenCLTesting.Open();
        // 2^32 floats (16 GiB) from a broadcast: more than one OpenCL allocation may hold here.
        var graph = Graph.Parse("""
            graph(%x : Float(1)):
              %s : int[] = prim::Constant[value=[4294967296]]()
              %f : bool = prim::Constant[value=0]()
              %e : Tensor = aten::expand(%x, %s, %f)
              %two : float = prim::Constant[value=2.]()
              %y : Tensor = aten::mul(%e, %two)
              return (%y)
            """);
        long bytes = backend.Allocator.LiveBytes;
        using var compiled = CompiledModule.Create(graph, backend, options: new CompiledModuleOptions { Fusion = true, Host = Host });
        Assert.Throws<DeviceOutOfMemoryException>(() => compiled.Run(IValue.FromTensor(Jit.Tensors.Tensor.FromArray([1f], 1))));
        compiled.Dispose();
        Settle();
        Assert.Equal(bytes, backend.Allocator.LiveBytes);
    }

    [OpenCLFact]
    public void DeviceOutputsStayOnTheDeviceAndMatch()
    {
        using var backend = OpenCLTesting.Open();
        var f = ModelFixture.Get("elementwise");
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = Compile(module, backend, deviceOutputs: true);
        var result = compiled.Forward(inputs);
        Assert.Equal(backend.Device, result.AsTensor.Device);
        Assert.Throws<HostAccessException>(() => result.AsTensor.GetDouble(0));
        f.AssertMatches(IValue.FromTensor(result.AsTensor.ToHost()));
        // Device tensors given as inputs are used where they are.
        var again = compiled.Forward([.. inputs.Select(v => IValue.FromTensor(v.AsTensor.ToDevice(backend.Allocator)))]);
        f.AssertMatches(IValue.FromTensor(again.AsTensor.ToHost()));
    }

    [OpenCLFact]
    public void AHostOutputGivenIsFilledWithTheDeviceResult()
    {
        using var backend = OpenCLTesting.Open();
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
    }

    private static bool Same(IValue a, IValue b)
    {
        var x = ModelFixture.Flatten(a);
        var y = ModelFixture.Flatten(b);
        for (int i = 0; i < x.Length; i++)
            if (!x[i].AsTensor.ToHost().Storage.Bytes.Span.SequenceEqual(y[i].AsTensor.ToHost().Storage.Bytes.Span)) return false;
        return true;
    }

    private static void Settle()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }
}
