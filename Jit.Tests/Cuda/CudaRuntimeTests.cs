using Jit.Backends.Cpu;
using Jit.Backends.Cuda;
using Jit.Backends.Cuda.Codegen;
using Jit.Errors;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Jit.Tests.Models;
using Jit.Tests.Testing;
using Jit.Tests.Runtime;
using Xunit;

namespace Jit.Tests.Cuda;

/// <summary>The static runtime on the CUDA backend over ILGPU's CPU accelerator: kernels on the device, memory released, threads, out of memory, compile failures.</summary>
public sealed class CudaRuntimeTests : DeviceRuntimeTests
{
    // ILGPU's CPU accelerator runs kernels slowly: fewer cycles and runs than on a GPU
    // (JIT_CUDA_THREAD_RUNS=1000 gives the 16 x 1,000, about a minute).
    protected override int Cycles => 50;
    protected override int ThreadRuns => int.TryParse(Environment.GetEnvironmentVariable("JIT_CUDA_THREAD_RUNS"), out var r) ? r : 60;
    // The CPU accelerator allocates from this machine's memory: 4 TiB is out of reach.
    protected override long HugeElements => 1L << 40;

    protected override IBackend OpenBackend(bool quiet = false) => CudaBackend.OnCpuAccelerator();

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
        var good = KernelAssembly.Emit(Jit.Runtime.Devices.GpuCopyKernel.Build(Jit.Tensors.DType.Int32, Jit.Tensors.DType.Float32, 3), backend.LocalSize);
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
