using Jit.Backends.OpenCL.Kernels;
using Jit.Backends.OpenCL.Native;
using Jit.Codegen;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Jit.Tensors;
using Silk.NET.OpenCL;

namespace Jit.Backends.OpenCL;

/// <summary>
/// The <c>opencl[:N]</c> device: N indexes the devices of every platform in the loader's order
/// (see <see cref="OpenCLDevices"/>); no index picks the first GPU, else the first device. Owns one
/// context, the default in-order queue (<see cref="DefaultQueue"/>, what kernels enqueue on), an
/// allocator, the program cache and the kernel table. A device that cannot be opened throws
/// <see cref="DeviceUnavailableException"/> saying what is missing; there is no fallback.
/// </summary>
public sealed class OpenCLBackend : IBackend
{
    private readonly CL _cl;
    private nint _context;
    private int _disposed;

    public OpenCLBackend(Device device, OpenCLBackendOptions? options = null)
    {
        if (device.Kind != DeviceKind.OpenCL)
            throw new DeviceUnavailableException(device.ToString(), "the OpenCL backend runs only 'opencl[:N]' devices");
        options ??= new OpenCLBackendOptions();
        string requested = device.ToString();
        _cl = OpenCLApi.Get(requested);
        Info = OpenCLDevices.Select(device.Index, requested);
        Device = new Device(DeviceKind.OpenCL, Info.Index);
        unsafe
        {
            nint id = Info.DeviceId;
            nint* properties = stackalloc nint[3];
            properties[0] = (nint)ContextProperties.Platform;
            properties[1] = Info.PlatformId;
            properties[2] = 0;
            int status;
            _context = _cl.CreateContext(properties, 1, &id, null, null, &status);
            if (status != OpenCLErrors.Success)
                throw new DeviceUnavailableException(requested, $"clCreateContext failed for {Info.Name} ({OpenCLErrors.Name(status)}, {status})");
        }
        try
        {
            DefaultQueue = new OpenCLQueue(this, _cl);
            Allocator = new OpenCLAllocator(this, _cl);
            Programs = new OpenCLProgramCache(this, _cl,
                options.DiskCache ? options.CacheDirectory ?? OpenCLBinaryCache.DefaultDirectory() : null);
            MaxGroups = options.MaxGroups > 0 ? options.MaxGroups : Math.Clamp(Info.ComputeUnits * 32, 1, 4096);
            GpuKernels = new GpuKernelCache(new OpenCLGpuDevice(this));
            FusedKernelCompiler = new GpuFusedKernelCompiler(GpuKernels);
            CopyKernel = new CopyKernel(this);
            Kernels = new KernelTable();
            OpenCLKernelRegistration.RegisterAll(this, Kernels);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public Device Device { get; }

    /// <summary>The device's identity and limits.</summary>
    public OpenCLDeviceInfo Info { get; }

    /// <summary>
    /// This backend's kernels. Built-in ones are added by <see cref="OpenCLKernelRegistration.RegisterAll"/>
    /// (the place to add more); an application may add its own with <see cref="KernelTable.Add"/>.
    /// </summary>
    public KernelTable Kernels { get; } = null!;

    public OpenCLAllocator Allocator { get; } = null!;

    /// <summary>The queue kernels enqueue on, and buffer reads and writes wait for, when the thread has no current queue of this backend.</summary>
    public OpenCLQueue DefaultQueue { get; } = null!;

    /// <summary>The thread's current queue (<see cref="DeviceQueues.Current"/>) when it is one of this backend's, else <see cref="DefaultQueue"/>.</summary>
    public OpenCLQueue CurrentQueue => DeviceQueues.Current is OpenCLQueue q && q.Backend == this ? q : DefaultQueue;

    public OpenCLProgramCache Programs { get; } = null!;

    /// <summary>The most work-groups one launch uses.</summary>
    public int MaxGroups { get; }

    /// <summary>Compiled TE kernels (fusion groups, single ops, extern-op templates) by structural hash.</summary>
    public GpuKernelCache GpuKernels { get; } = null!;

    /// <summary>Lowered ops and fusion groups become OpenCL C kernels.</summary>
    public IFusedKernelCompiler? FusedKernelCompiler { get; }

    /// <summary>Every lowerable op runs as a device kernel, single ones too.</summary>
    public int MinFusionGroupSize => 1;

    IDeviceAllocator? IBackend.Allocator => Allocator;
    IDeviceQueue? IBackend.Queue => DefaultQueue;
    IDeviceQueue? IBackend.CreateQueue() => CreateQueue();

    /// <summary>The <c>cl_context</c>.</summary>
    public nint Context
    {
        get
        {
            nint c = Volatile.Read(ref _context);
            ObjectDisposedException.ThrowIf(c == 0, this);
            return c;
        }
    }

    /// <summary>A new in-order queue on this device (a static runtime's own); the caller disposes it.</summary>
    public OpenCLQueue CreateQueue() => new(this, _cl);

    /// <summary>
    /// Builds (or takes from the caches) <paramref name="program"/>'s source and returns its launcher;
    /// a build failure throws <see cref="JitDeviceException"/> with the kernel's name and the build log.
    /// </summary>
    public CompiledGpuProgram Compile(GpuProgram program)
    {
        var built = Programs.GetOrBuild(program.Source, program.Kernel.Name, program.BuildOptions);
        return new CompiledGpuProgram(this, program, built);
    }

    /// <summary>
    /// Enqueues <c>destination.copy_(source)</c>: <paramref name="source"/> (on this device or the
    /// host, uploaded first) broadcast into <paramref name="destination"/> (on this device), any
    /// strides, converting between integer, float and bool dtypes.
    /// </summary>
    public void Copy(Tensor destination, Tensor source, OpenCLQueue? queue = null) =>
        CopyKernel.Copy(destination, source, queue ?? CurrentQueue);

    internal CopyKernel CopyKernel { get; } = null!;

    /// <summary>Waits for the queued work, releases the programs, the queue and the context; a second call does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Programs?.Dispose();
        DefaultQueue?.Dispose();
        nint c = Interlocked.Exchange(ref _context, 0);
        // Buffers still alive keep the context alive inside OpenCL (each memory object retains it).
        if (c != 0) _cl.ReleaseContext(c);
    }

    public override string ToString() => $"OpenCLBackend({Info})";
}
