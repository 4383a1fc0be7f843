using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Jit.Backends.Cuda.Codegen;
using Jit.Backends.Cuda.Kernels;
using Jit.Backends.Cuda.Native;
using Jit.Codegen;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;

using Device = Jit.Runtime.Device;

namespace Jit.Backends.Cuda;

/// <summary>
/// The <c>cuda[:N]</c> device through ILGPU: owns the ILGPU context and accelerator, the default
/// queue (its stream), an allocator, the kernel caches and the kernel table. TE kernels become
/// kernel IL (<see cref="KernelAssembly"/>), which ILGPU compiles to PTX and the driver loads.
/// With no NVIDIA driver it throws <see cref="DeviceUnavailableException"/> naming libcuda.so.1;
/// there is no fallback. Tests run the same kernels on ILGPU's CPU accelerator
/// (<see cref="OnCpuAccelerator"/>, internal: no device string reaches it).
/// </summary>
public sealed class CudaBackend : IBackend
{
    private readonly object _cpuLaunchLock = new();
    private int _disposed;

    public CudaBackend(Device device, CudaBackendOptions? options = null) : this(device, options ?? new CudaBackendOptions(), cpuAccelerator: false) { }

    /// <summary>A backend whose device is ILGPU's CPU accelerator: correct and slow, for tests only.</summary>
    internal static CudaBackend OnCpuAccelerator(CudaBackendOptions? options = null) =>
        new(new Device(DeviceKind.Cuda, 0), options ?? new CudaBackendOptions(), cpuAccelerator: true);

    private CudaBackend(Device device, CudaBackendOptions options, bool cpuAccelerator)
    {
        string requested = device.ToString();
        if (device.Kind != DeviceKind.Cuda)
            throw new DeviceUnavailableException(requested, "the CUDA backend runs only 'cuda[:N]' devices");
        NativeLibraries.Install();
        IsCpuAccelerator = cpuAccelerator;
        if (cpuAccelerator)
        {
            // 64 threads per group: the tiled matrix product's fixed work-group size.
            Context = Context.Create(b => b.CPU(new CPUDevice(4, 16, 1)).EnableAlgorithms().Optimize(OptimizationLevel.O1));
            Accelerator = Context.CreateCPUAccelerator(0, CPUAcceleratorMode.Parallel);
        }
        else
        {
            if (!NativeLibraries.CanLoad(NativeLibraries.Driver))
                throw new DeviceUnavailableException(requested, $"the NVIDIA driver library {NativeLibraries.Driver} cannot be loaded (no NVIDIA driver on this machine)");
            try
            {
                Context = Context.Create(b => b.Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O1));
            }
            catch (Exception e) when (e is not JitException)
            {
                // The library loads but the driver does not start (no device node, a version mismatch).
                throw new DeviceUnavailableException(requested, $"the CUDA driver ({NativeLibraries.Driver}) did not start: {CudaKernelLoader.Innermost(e).Message}");
            }
            int count = Context.GetCudaDevices().Count;
            int index = Math.Max(device.Index, 0);
            if (index >= count)
            {
                Context.Dispose();
                throw new DeviceUnavailableException(requested, count == 0 ? "the driver reports no CUDA device" : $"there are {count} CUDA device(s), no index {index}");
            }
            try
            {
                Accelerator = Context.CreateCudaAccelerator(index);
            }
            catch (Exception e) when (e is not JitException)
            {
                Context.Dispose();
                throw new DeviceUnavailableException(requested, $"CUDA device {index} cannot be opened: {CudaKernelLoader.Innermost(e).Message}");
            }
        }
        Device = new Device(DeviceKind.Cuda, Math.Max(device.Index, 0));
        try
        {
            DefaultQueue = new CudaQueue(this, Accelerator.DefaultStream, owned: false);
            long memory = Accelerator.MemorySize > 0 ? Accelerator.MemorySize : long.MaxValue;
            Allocator = new CudaAllocator(this, options.MemoryLimitBytes > 0 ? Math.Min(options.MemoryLimitBytes, memory) : memory);
            MaxGroupSize = Accelerator.MaxNumThreadsPerGroup;
            LocalSize = (int)Math.Min(GpuSchedule.DefaultLocalSize, 1L << (int)Math.Log2(Math.Max(1, MaxGroupSize)));
            ComputeUnits = Math.Max(1, Accelerator.NumMultiprocessors);
            MaxGroups = options.MaxGroups > 0 ? options.MaxGroups : cpuAccelerator ? 4 : Math.Clamp(ComputeUnits * 32, 1, 65535);
            Loader = new CudaKernelLoader(this, options.DiskCache && !cpuAccelerator ? new PtxDiskCache(options.CacheDirectory ?? PtxDiskCache.DefaultDirectory()) : null);
            GpuKernels = new GpuKernelCache(new CudaGpuDevice(this));
            FusedKernelCompiler = new GpuFusedKernelCompiler(GpuKernels);
            // Temporaries are freed at the queue's next synchronization: a kernel may still read them until then.
            CopyKernel = new GpuCopyKernel(this, GpuKernels, QueueForThread, b => QueueForThread().ReleaseAfterUse(b), _ => true);
            Kernels = new KernelTable();
            Cublas = CublasKernels.TryCreate(this, options);
            CudaKernelRegistration.RegisterAll(this, Kernels);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public Device Device { get; }

    /// <summary>True when the device is ILGPU's CPU accelerator (tests), not a GPU.</summary>
    public bool IsCpuAccelerator { get; }

    public KernelTable Kernels { get; } = null!;

    public CudaAllocator Allocator { get; } = null!;

    public CudaQueue DefaultQueue { get; } = null!;

    /// <summary>Compiled TE kernels (fusion groups, single ops, extern-op templates) by structural hash.</summary>
    public GpuKernelCache GpuKernels { get; } = null!;

    public IFusedKernelCompiler? FusedKernelCompiler { get; }

    public int MinFusionGroupSize => 1;

    IDeviceAllocator? IBackend.Allocator => Allocator;
    IDeviceQueue? IBackend.Queue => DefaultQueue;

    /// <summary>A new stream for one static runtime (disposed by it).</summary>
    public IDeviceQueue? CreateQueue() => new CudaQueue(this, Accelerator.CreateStream(), owned: true);

    internal Context Context { get; }
    internal Accelerator Accelerator { get; }
    internal CudaKernelLoader Loader { get; } = null!;
    internal GpuCopyKernel CopyKernel { get; } = null!;

    /// <summary>cuBLAS on a GPU where libcublas.so.12 loads; null on the CPU accelerator or without it.</summary>
    internal CublasKernels? Cublas { get; }

    /// <summary>The work-group size GPU schedules use here (a power of two).</summary>
    internal int LocalSize { get; }
    internal int MaxGroupSize { get; }
    internal int MaxGroups { get; }
    internal int ComputeUnits { get; }

    /// <summary>The thread's current queue when it is one of this backend's, else the default queue.</summary>
    internal CudaQueue QueueForThread() =>
        DeviceQueues.Current is CudaQueue q && ReferenceEquals(q.Backend, this) ? q : DefaultQueue;

    internal void Launch(LoadedEntry entry, CudaQueue queue, KernelConfig config, KernelArgs args)
    {
        try
        {
            if (!IsCpuAccelerator)
            {
                entry.Launch(queue.Stream, config, args);
                return;
            }
            // ILGPU's CPU accelerator runs one kernel at a time.
            lock (_cpuLaunchLock) entry.Launch(queue.Stream, config, args);
        }
        catch (Exception e) when (e is not JitException)
        {
            throw new JitDeviceException(Device.ToString(), $"launching {entry.Name} ({config.GridDim.X} groups of {config.GroupDim.X}) failed: {CudaKernelLoader.Innermost(e).Message}", inner: e);
        }
    }

    /// <summary>Waits for the default queue, then releases the accelerator and the context (and every kernel with them).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            DefaultQueue?.Dispose();
        }
        finally
        {
            Cublas?.Dispose();
            Accelerator?.Dispose();
            Context?.Dispose();
        }
    }

    public override string ToString() => $"CudaBackend({Device}, {(IsCpuAccelerator ? "ILGPU CPU accelerator" : Accelerator.Name)})";
}
