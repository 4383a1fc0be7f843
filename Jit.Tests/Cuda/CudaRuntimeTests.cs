using Jit.Backends.Cpu;
using Jit.Backends.Cuda;
using Jit.Backends.Cuda.Codegen;
using Jit.Errors;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Jit.Tests.Models;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Cuda;

/// <summary>The static runtime on the CUDA backend over ILGPU's CPU accelerator: kernels on the device, memory released, threads, out of memory, compile failures.</summary>
public sealed class CudaRuntimeTests
{
    private static readonly CpuBackend Host = new(Device.Cpu);

    private static CompiledModule Compile(JitModule module, IBackend backend, bool deviceOutputs = false) =>
        module.Compile(backend, new CompiledModuleOptions { Fusion = true, Host = Host, DeviceOutputs = deviceOutputs });

    [Fact]
    public void FixtureOpsRunAsDeviceKernels()
    {
        var backend = CudaTesting.Shared;
        var f = ModelFixture.Get("mlp");
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = Compile(module, backend);
        f.AssertMatches(compiled.Forward(inputs));
        Assert.Empty(compiled.PlanFor(inputs).HostStepNodes);
        Assert.True(backend.GpuKernels.Count > 0);
    }

    [Fact]
    public void CompileRunDisposeCyclesLeaveDeviceMemoryWhereItStarted()
    {
        // A backend of its own: other tests allocate on the shared one meanwhile.
        using var backend = CudaBackend.OnCpuAccelerator();
        foreach (var name in new[] { "elementwise", "mlp" })
        {
            var f = ModelFixture.Get(name);
            var module = JitModule.Load(f.ModelPath);
            var inputs = f.Inputs(module);
            using (var warm = Compile(module, backend)) warm.Run(inputs);
            Settle();
            long bytes = backend.Allocator.LiveBytes, buffers = backend.Allocator.LiveBuffers;
            for (int i = 0; i < 50; i++)
            {
                using var compiled = Compile(module, backend);
                compiled.Run(inputs);
            }
            Settle();
            Assert.Equal(bytes, backend.Allocator.LiveBytes);
            Assert.Equal(buffers, backend.Allocator.LiveBuffers);
        }
    }

    [Fact]
    public void SixteenThreadsGiveTheSingleThreadedResult()
    {
        var backend = CudaTesting.Shared;
        var f = ModelFixture.Get("elementwise");
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = Compile(module, backend);
        var expected = compiled.Forward(inputs);
        // JIT_CUDA_THREAD_RUNS=1000 gives the 16 x 1,000 (about a minute on the CPU accelerator).
        int runs = int.TryParse(Environment.GetEnvironmentVariable("JIT_CUDA_THREAD_RUNS"), out var r) ? r : 60;
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
        using var backend = CudaBackend.OnCpuAccelerator();
        var graph = Graph.Parse("""
            graph(%x : Float(1)):
              %s : int[] = prim::Constant[value=[1099511627776]]()
              %f : bool = prim::Constant[value=0]()
              %e : Tensor = aten::expand(%x, %s, %f)
              %two : float = prim::Constant[value=2.]()
              %y : Tensor = aten::mul(%e, %two)
              return (%y)
            """);
        Settle();
        long bytes = backend.Allocator.LiveBytes;
        using (var compiled = CompiledModule.Create(graph, backend, options: new CompiledModuleOptions { Fusion = true, Host = Host }))
            Assert.Throws<DeviceOutOfMemoryException>(() => compiled.Run(IValue.FromTensor(Jit.Tensors.Tensor.FromArray([1f], 1))));
        Settle();
        Assert.Equal(bytes, backend.Allocator.LiveBytes);
        Assert.Throws<DeviceOutOfMemoryException>(() => backend.Allocator.Allocate(long.MaxValue / 2));
    }

    [Fact]
    public void DeviceOutputsStayOnTheDeviceAndMatch()
    {
        var backend = CudaTesting.Shared;
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
    }

    [Fact]
    public void KernelsAndCopiesGoToTheThreadsCurrentQueue()
    {
        var backend = CudaTesting.Shared;
        using var queue = backend.CreateQueue()!;
        var source = Jit.Tensors.Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);
        var device = Jit.Tensors.Tensor.EmptyOn(backend.Allocator, Jit.Tensors.DType.Float32, [3, 2]);
        using (Jit.Runtime.Devices.DeviceQueues.Use(queue))
        {
            // A transposed int32 source into float32: the copy kernel, on this runtime's stream.
            backend.Kernels.TryGet("aten::copy_", out var copy);
            var outputs = new IValue[1];
            copy([IValue.FromTensor(device), IValue.FromTensor(source.ToDevice(backend.Allocator).AsStrided([3, 2], [1, 3])), IValue.FromBool(false)], outputs);
        }
        queue.Synchronize();
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], device.ToHost().ContiguousSpan<float>().ToArray());
        // ILGPU's CPU accelerator has no graphs: its queues do not record.
        Assert.Null(queue.Record(() => { }));
    }

    [Fact]
    public void AKernelIlgpuCannotCompileIsOurErrorAndTheContextRecovers()
    {
        var backend = CudaTesting.Shared;
        var bad = typeof(UncompilableKernels).GetMethod(nameof(UncompilableKernels.AllocatesAManagedArray))!;
        var e = Assert.Throws<JitDeviceException>(() => backend.Loader.Load("bad_kernel", [("bad_kernel_s0", bad)]));
        Assert.Contains("bad_kernel", e.Message);
        // The next compile works: the context was cleared.
        var good = KernelAssembly.Emit(Jit.Backends.Cuda.Kernels.CudaCopyKernel.Build(Jit.Tensors.DType.Int32, Jit.Tensors.DType.Float32, 3), backend.LocalSize);
        Assert.NotEmpty(backend.Loader.Load(good));
    }

    [Fact]
    public void NoDriverIsDeviceUnavailableNamingLibcuda()
    {
        if (System.Runtime.InteropServices.NativeLibrary.TryLoad("libcuda.so.1", out var h))
        {
            System.Runtime.InteropServices.NativeLibrary.Free(h);
            return;
        }
        var e = Assert.Throws<DeviceUnavailableException>(() => new BackendRegistry().AddCuda().Open("cuda"));
        Assert.Contains("libcuda.so.1", e.Message);
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

/// <summary>A kernel ILGPU refuses (managed allocation), for the compile-failure test.</summary>
public static class UncompilableKernels
{
    public static void AllocatesAManagedArray(KernelArgs args)
    {
        var a = new long[args.L0 + 1];
        args.V0[0] = (byte)a.Length;
    }
}
