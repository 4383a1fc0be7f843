using Jit.Backends.Cpu;
using Jit.Backends.Vulkan;
using Jit.Errors;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Jit.Runtime.Static;
using Jit.Tests.Models;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Vulkan;

/// <summary>The static runtime on <c>vulkan</c>: memory released, threads, out of memory, outputs kept on the device, the staging path.</summary>
public sealed class VulkanRuntimeTests
{
    private static readonly CpuBackend Host = new(Device.Cpu);

    private static CompiledModule Compile(JitModule module, IBackend backend, bool deviceOutputs = false) =>
        module.Compile(backend, new CompiledModuleOptions { Fusion = true, Host = Host, DeviceOutputs = deviceOutputs });

    [VulkanFact]
    public void CompileRunDisposeCyclesLeaveDeviceMemoryWhereItStarted()
    {
        // Without the validation layer: a thousand cycles with it take minutes on two cores.
        using var backend = new VulkanBackend(new Device(DeviceKind.Vulkan), VulkanTesting.Options() with { Validation = false });
        var f = ModelFixture.Get("elementwise");
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using (var warm = Compile(module, backend)) warm.Run(inputs);
        Settle(backend);
        long bytes = backend.Allocator.LiveBytes, buffers = backend.Allocator.LiveBuffers;
        for (int i = 0; i < 1000; i++)
        {
            using var compiled = Compile(module, backend);
            compiled.Run(inputs);
        }
        Settle(backend);
        Assert.Equal(bytes, backend.Allocator.LiveBytes);
        Assert.Equal(buffers, backend.Allocator.LiveBuffers);
    }

    [VulkanFact]
    public void SixteenThreadsGiveTheSingleThreadedResult()
    {
        using var backend = new VulkanBackend(new Device(DeviceKind.Vulkan), VulkanTesting.Options() with { Validation = false });
        var f = ModelFixture.Get("elementwise");
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = Compile(module, backend);
        var expected = compiled.Forward(inputs);
        var mismatches = 0;
        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ =>
        {
            for (int i = 0; i < 1000; i++)
                if (!Same(expected, compiled.Forward(inputs))) Interlocked.Increment(ref mismatches);
        });
        Assert.Equal(0, mismatches);
    }

    [VulkanFact]
    public void AnOutputTooBigForTheDeviceIsOutOfMemoryAndLeavesNothing()
    {
        using var backend = VulkanTesting.Open();
        // 2^32 floats (16 GiB) from a broadcast: more than one Vulkan allocation may hold here.
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
        var e = Assert.Throws<DeviceOutOfMemoryException>(() => compiled.Run(IValue.FromTensor(Jit.Tensors.Tensor.FromArray([1f], 1))));
        Assert.Contains("VK_ERROR_OUT_OF_DEVICE_MEMORY", e.Message);
        compiled.Dispose();
        Settle(backend);
        Assert.Equal(bytes, backend.Allocator.LiveBytes);
        VulkanTesting.AssertValidationClean(backend);
    }

    [VulkanFact]
    public void DeviceOutputsStayOnTheDeviceAndMatch()
    {
        using var backend = VulkanTesting.Open();
        var f = ModelFixture.Get("elementwise");
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = Compile(module, backend, deviceOutputs: true);
        var result = compiled.Forward(inputs);
        Assert.Equal(backend.Device, result.AsTensor.Device);
        Assert.Throws<HostAccessException>(() => result.AsTensor.GetDouble(0));
        f.AssertMatches(IValue.FromTensor(result.AsTensor.ToHost()));
        var again = compiled.Forward([.. inputs.Select(v => IValue.FromTensor(v.AsTensor.ToDevice(backend.Allocator)))]);
        f.AssertMatches(IValue.FromTensor(again.AsTensor.ToHost()));
        VulkanTesting.AssertValidationClean(backend);
    }

    [VulkanFact]
    public void TheStagingPathOfDeviceLocalMemoryGivesTheSameResults()
    {
        using var backend = VulkanTesting.Open(forceStaging: true);
        foreach (var name in new[] { "mlp", "int_bool" })
        {
            var f = ModelFixture.Get(name);
            var module = JitModule.Load(f.ModelPath);
            var inputs = f.Inputs(module);
            using var compiled = Compile(module, backend);
            f.AssertMatches(compiled.Forward(inputs));
        }
        Settle(backend);
        VulkanTesting.AssertValidationClean(backend);
    }

    private static bool Same(IValue a, IValue b)
    {
        var x = ModelFixture.Flatten(a);
        var y = ModelFixture.Flatten(b);
        for (int i = 0; i < x.Length; i++)
            if (!x[i].AsTensor.ToHost().Storage.Bytes.Span.SequenceEqual(y[i].AsTensor.ToHost().Storage.Bytes.Span)) return false;
        return true;
    }

    // Buffers released while commands used them are freed when the commands complete.
    internal static void Settle(VulkanBackend backend)
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            backend.DefaultQueue.Synchronize();
        }
    }
}
