using Jit.Backends.Vulkan.Kernels;
using Jit.Backends.Vulkan.Native;
using Jit.Codegen.Spirv;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Jit.Tensors;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;
using Device = Jit.Runtime.Device;
using VkDevice = Silk.NET.Vulkan.Device;

namespace Jit.Backends.Vulkan;

/// <summary>
/// The <c>vulkan[:N]</c> device: N indexes the physical devices in the loader's order (see
/// <see cref="VulkanDevices"/>); no index picks the first discrete GPU, else the first integrated
/// one, else the first device. Owns an instance (with the validation layer when
/// <see cref="VulkanBackendOptions.Validation"/>), a logical device with one compute queue and the
/// features its kernels may use (int64 always; float64, 8- and 16-bit storage where the device
/// has them), the default <see cref="VulkanQueue"/>, an allocator, the pipeline cache and the
/// kernel table. A device that cannot be opened throws <see cref="DeviceUnavailableException"/>
/// saying what is missing; there is no fallback.
/// </summary>
public sealed unsafe class VulkanBackend : IBackend
{
    private readonly VulkanInstance _instance;
    private readonly object _submitGate = new();
    private readonly HashSet<VulkanQueue> _queues = [];
    private readonly List<VulkanProgram> _programs = [];
    private readonly Queue _queue;
    private VkDevice _device;
    private int _disposed;

    public VulkanBackend(Device device, VulkanBackendOptions? options = null)
    {
        if (device.Kind != DeviceKind.Vulkan)
            throw new DeviceUnavailableException(device.ToString(), "the Vulkan backend runs only 'vulkan[:N]' devices");
        options ??= new VulkanBackendOptions();
        string requested = device.ToString();
        Vk = VulkanApi.Get(requested);
        _instance = new VulkanInstance(Vk, options.Validation, requested, options.ValidationToStderr);
        try
        {
            var (physical, info) = VulkanDevices.Select(_instance, device.Index >= 0 ? device.Index : null, requested);
            Info = info;
            Device = new Device(DeviceKind.Vulkan, info.Index);
            if (info.QueueFamily < 0) throw new DeviceUnavailableException(requested, $"{info.Name} has no queue family with compute");
            foreach (var needed in new[] { "shaderInt64", "VK_KHR_push_descriptor" })
                if (!info.Features.Contains(needed))
                    throw new DeviceUnavailableException(requested, $"{info.Name} lacks {needed}, which every kernel of this backend needs");
            _device = CreateDevice(physical, info, requested);
            Queue queue;
            Vk.GetDeviceQueue(_device, (uint)info.QueueFamily, 0, &queue);
            _queue = queue;
            EntryPoints = new VulkanEntryPoints(Vk, _device, requested);
            ComputeUnits = info.Type == "CPU" ? Environment.ProcessorCount : 64;
            MaxGroups = (int)Math.Min(options.MaxGroups > 0 ? options.MaxGroups : 4096, info.MaxWorkGroupCount);
            Allocator = new VulkanAllocator(this, Vk, physical, options.ForceStaging);
            DefaultQueue = new VulkanQueue(this);
            PipelineCache = new VulkanPipelineCache(this, options.DiskCache ? options.CacheDirectory ?? VulkanPipelineCache.DefaultDirectory() : null);
            GpuKernels = new GpuKernelCache(new VulkanGpuDevice(this));
            FusedKernelCompiler = new GpuFusedKernelCompiler(GpuKernels);
            // A released buffer is freed once the commands using it complete; strided copies need 32/64-bit or 8-bit types (no float16 kernels).
            CopyKernel = new GpuCopyKernel(this, GpuKernels, () => CurrentQueue, b => b.Dispose(),
                t => t is DType.UInt8 or DType.Int8 or DType.Int16 or DType.Int32 or DType.Int64 or DType.Float32 or DType.Float64 or DType.Bool);
            Kernels = new KernelTable();
            VulkanKernelRegistration.RegisterAll(this, Kernels);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public Device Device { get; }

    /// <summary>The device as errors name it, made once (checks on hot paths pass it).</summary>
    internal string DeviceName => _deviceName ??= Device.ToString();
    private string? _deviceName;

    /// <summary>The device's identity, features and limits.</summary>
    public VulkanDeviceInfo Info { get; } = null!;

    /// <summary>This backend's kernels (<see cref="VulkanKernelRegistration.RegisterAll"/>); an application may add its own.</summary>
    public KernelTable Kernels { get; } = null!;

    public VulkanAllocator Allocator { get; } = null!;

    /// <summary>The queue used where the thread has no current queue of this backend.</summary>
    public VulkanQueue DefaultQueue { get; } = null!;

    /// <summary>Compiled TE kernels (fusion groups, single ops, extern-op templates, copies) by structural hash.</summary>
    public GpuKernelCache GpuKernels { get; } = null!;

    public IFusedKernelCompiler? FusedKernelCompiler { get; }

    /// <summary>Every lowerable op runs as a device kernel, single ones too.</summary>
    public int MinFusionGroupSize => 1;

    IDeviceAllocator? IBackend.Allocator => Allocator;
    IDeviceQueue? IBackend.Queue => DefaultQueue;
    IDeviceQueue? IBackend.CreateQueue() => CreateQueue();

    /// <summary>The validation layer's warnings and errors since the backend opened (empty without validation).</summary>
    public IReadOnlyList<string> ValidationMessages => _instance.Messages;

    /// <summary>Whether this backend's instance has the validation layer on.</summary>
    public bool Validation => _instance.Validation;

    /// <summary>Device time per kernel from timestamp queries, when enabled (<c>jit bench --profile</c>).</summary>
    public VulkanKernelTimes KernelTimes { get; } = new();

    /// <summary>The most work-groups one dispatch uses.</summary>
    public int MaxGroups { get; }

    /// <summary>Processors to fill, for <see cref="Codegen.GpuStage.PreferSerial"/> (Vulkan does not say: the CPU count on a CPU device, else 64).</summary>
    public int ComputeUnits { get; }

    internal Vk Vk { get; }
    internal VulkanEntryPoints EntryPoints { get; } = null!;
    internal VulkanPipelineCache PipelineCache { get; } = null!;
    internal GpuCopyKernel CopyKernel { get; } = null!;

    /// <summary>The <c>VkDevice</c>; <see cref="ObjectDisposedException"/> once closed.</summary>
    internal VkDevice Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsClosed, this);
            return _device;
        }
    }

    /// <summary>True once the device is destroyed (buffers released later only update the counts).</summary>
    internal bool IsClosed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The thread's current queue when it is one of this backend's, else <see cref="DefaultQueue"/>.</summary>
    public VulkanQueue CurrentQueue =>
        DeviceQueues.Current is VulkanQueue q && ReferenceEquals(q.Backend, this) ? q : DefaultQueue;

    /// <summary>A new queue on this device (a static runtime's own); the caller disposes it.</summary>
    public VulkanQueue CreateQueue()
    {
        var q = new VulkanQueue(this);
        lock (_queues) _queues.Add(q);
        return q;
    }

    internal void Forget(VulkanQueue queue)
    {
        lock (_queues) _queues.Remove(queue);
    }

    /// <summary>Builds a rendered module's pipelines (checked against the device's features and limits).</summary>
    internal VulkanProgram Build(SpirvProgram program)
    {
        var built = new VulkanProgram(this, program);
        lock (_programs) _programs.Add(built);
        return built;
    }

    /// <summary>Enqueues <c>destination.copy_(source)</c> (source on this device or the host) on the current queue.</summary>
    public void Copy(Tensor destination, Tensor source) => CopyKernel.Copy(destination, source);

    /// <summary>Submits one command buffer to the device queue (shared by every <see cref="VulkanQueue"/> of this backend).</summary>
    internal void Submit(CommandBuffer commands, Fence fence)
    {
        var info = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &commands };
        lock (_submitGate)
            VulkanApi.Check(Vk.QueueSubmit(_queue, 1, &info, fence), "vkQueueSubmit", DeviceName);
    }

    private VkDevice CreateDevice(PhysicalDevice physical, VulkanDeviceInfo info, string requested)
    {
        var f = info.Features;
        bool needs8BitExtension = info.ApiVersion < Vk.Version12 && f.Contains("storageBuffer8BitAccess");
        var extensionNames = needs8BitExtension ? new[] { "VK_KHR_push_descriptor", "VK_KHR_8bit_storage" } : ["VK_KHR_push_descriptor"];
        var extensions = (byte**)SilkMarshal.StringArrayToPtr(extensionNames);
        try
        {
            float priority = 1;
            var queueInfo = new DeviceQueueCreateInfo
            {
                SType = StructureType.DeviceQueueCreateInfo,
                QueueFamilyIndex = (uint)info.QueueFamily,
                QueueCount = 1,
                PQueuePriorities = &priority,
            };
            var storage8 = new PhysicalDevice8BitStorageFeatures
            {
                SType = StructureType.PhysicalDevice8BitStorageFeatures,
                StorageBuffer8BitAccess = f.Contains("storageBuffer8BitAccess"),
            };
            var storage16 = new PhysicalDevice16BitStorageFeatures
            {
                SType = StructureType.PhysicalDevice16BitStorageFeatures,
                StorageBuffer16BitAccess = f.Contains("storageBuffer16BitAccess"),
                PNext = f.Contains("storageBuffer8BitAccess") ? &storage8 : null,
            };
            var features = new PhysicalDeviceFeatures2
            {
                SType = StructureType.PhysicalDeviceFeatures2,
                PNext = &storage16,
                Features = new PhysicalDeviceFeatures
                {
                    ShaderInt64 = true,
                    ShaderFloat64 = f.Contains("shaderFloat64"),
                    ShaderInt16 = f.Contains("shaderInt16"),
                },
            };
            var create = new DeviceCreateInfo
            {
                SType = StructureType.DeviceCreateInfo,
                PNext = &features,
                QueueCreateInfoCount = 1,
                PQueueCreateInfos = &queueInfo,
                EnabledExtensionCount = (uint)extensionNames.Length,
                PpEnabledExtensionNames = extensions,
            };
            VkDevice device;
            var result = Vk.CreateDevice(physical, &create, null, &device);
            if (result != Result.Success)
                throw new DeviceUnavailableException(requested, $"vkCreateDevice failed for {info.Name} ({VulkanApi.Name(result)})");
            return device;
        }
        finally
        {
            SilkMarshal.Free((nint)extensions);
        }
    }

    /// <summary>
    /// Waits for the queued work, saves the pipeline cache, releases queues, pipelines, the device
    /// and the instance; a second call does nothing. Buffers still alive are freed with the device
    /// (their later release only updates the counts).
    /// </summary>
    public void Dispose()
    {
        if (IsClosed) return;
        VulkanQueue[] queues;
        lock (_queues) queues = [.. _queues];
        foreach (var q in queues) q.Dispose();
        DefaultQueue?.Dispose();
        if (_device.Handle != 0)
        {
            Vk.DeviceWaitIdle(_device);
            lock (_programs)
            {
                foreach (var p in _programs) p.Dispose();
                _programs.Clear();
            }
            PipelineCache?.Dispose();
            Allocator?.FreeAllNative();
        }
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_device.Handle != 0) Vk.DestroyDevice(_device, null);
        _instance.Dispose();
    }

    public override string ToString() => $"VulkanBackend({Info})";
}
