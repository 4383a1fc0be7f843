using Jit.Backends.Vulkan.Native;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Silk.NET.Vulkan;
using Device = Jit.Runtime.Device;
using VkBuffer = Silk.NET.Vulkan.Buffer;

namespace Jit.Backends.Vulkan;

/// <summary>
/// Device memory of one <see cref="VulkanBackend"/>: each allocation is its own <c>VkBuffer</c>
/// and <c>VkDeviceMemory</c> (the static runtime asks for one arena per runtime and one buffer
/// per weight). Device buffers take device-local memory, host-visible too where the device has
/// such memory and is not a discrete GPU (lavapipe, integrated GPUs: copies are then plain
/// memcpy); staging buffers take host-visible memory. Counts live bytes and buffers, staging ones
/// included (thread-safe). A request the device cannot hold throws
/// <see cref="DeviceOutOfMemoryException"/> and changes no count.
/// </summary>
public sealed unsafe class VulkanAllocator : IDeviceAllocator
{
    private readonly Vk _vk;
    private readonly int _deviceType, _stagingType;
    private readonly bool _deviceMapped;
    // The native objects of every buffer not yet freed (handles only: buffers stay collectable),
    // destroyed with the device when the backend closes before their buffers are released.
    private readonly Dictionary<ulong, (VkBuffer Buffer, DeviceMemory Memory)> _native = [];
    private long _liveBytes;
    private long _liveBuffers;

    internal VulkanAllocator(VulkanBackend backend, Vk vk, PhysicalDevice physical, bool forceStaging)
    {
        Backend = backend;
        _vk = vk;
        PhysicalDeviceMemoryProperties memory;
        vk.GetPhysicalDeviceMemoryProperties(physical, &memory);
        const MemoryPropertyFlags host = MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit;
        bool discrete = backend.Info.Type == "discrete GPU";
        _stagingType = FindType(memory, host);
        _deviceType = !discrete && !forceStaging ? FindType(memory, MemoryPropertyFlags.DeviceLocalBit | host) : -1;
        if (_deviceType < 0) _deviceType = FindType(memory, MemoryPropertyFlags.DeviceLocalBit);
        if (_deviceType < 0) _deviceType = _stagingType;
        if (_deviceType < 0 || _stagingType < 0)
            throw new DeviceUnavailableException(backend.Device.ToString(), "the device has no host-visible, host-coherent memory type for staging");
        _deviceMapped = !forceStaging && (memory.MemoryTypes[_deviceType].PropertyFlags & host) == host;
    }

    internal VulkanBackend Backend { get; }

    public Device Device => Backend.Device;
    public long LiveBytes => Interlocked.Read(ref _liveBytes);
    public long LiveBuffers => Interlocked.Read(ref _liveBuffers);

    /// <summary>Allocates <paramref name="bytes"/> of device memory (0 is allowed: 4 bytes are reserved, none counted).</summary>
    public DeviceBuffer Allocate(long bytes) => Create(bytes, staging: false, counted: true);

    /// <summary>A host-visible buffer for moving bytes to and from device-local memory.</summary>
    internal VulkanBuffer AllocateStaging(long bytes) => Create(bytes, staging: true, counted: true);

    /// <summary>A host-visible buffer a queue keeps for itself, like its command buffers (argument blocks): not counted.</summary>
    internal VulkanBuffer AllocateUncounted(long bytes) => Create(bytes, staging: true, counted: false);

    private VulkanBuffer Create(long bytes, bool staging, bool counted)
    {
        string device = Device.ToString();
        if (bytes < 0) throw new JitRuntimeException($"{device}: cannot allocate {bytes} bytes");
        if (bytes > Backend.Info.MaxAllocationBytes)
            throw new DeviceOutOfMemoryException(device, bytes, LiveBytes, (long)Result.ErrorOutOfDeviceMemory,
                $"VK_ERROR_OUT_OF_DEVICE_MEMORY: over maxMemoryAllocationSize {Backend.Info.MaxAllocationBytes}");
        var vkDevice = Backend.Handle;
        // Storage-buffer ranges are bound in multiples of 4 bytes.
        ulong size = (ulong)Math.Max((bytes + 3) & ~3L, 4);
        var info = new BufferCreateInfo
        {
            SType = StructureType.BufferCreateInfo,
            Size = size,
            Usage = BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferSrcBit | BufferUsageFlags.TransferDstBit,
            SharingMode = SharingMode.Exclusive,
        };
        VkBuffer buffer;
        Check(_vk.CreateBuffer(vkDevice, &info, null, &buffer), bytes, "vkCreateBuffer");
        DeviceMemory memory = default;
        try
        {
            MemoryRequirements requirements;
            _vk.GetBufferMemoryRequirements(vkDevice, buffer, &requirements);
            int type = staging ? _stagingType : _deviceType;
            if ((requirements.MemoryTypeBits & (1u << type)) == 0)
                throw new JitDeviceException(device, $"a buffer of {bytes} bytes cannot live in memory type {type} (allowed types 0x{requirements.MemoryTypeBits:x})");
            var allocate = new MemoryAllocateInfo { SType = StructureType.MemoryAllocateInfo, AllocationSize = requirements.Size, MemoryTypeIndex = (uint)type };
            Check(_vk.AllocateMemory(vkDevice, &allocate, null, &memory), bytes, "vkAllocateMemory");
            VulkanApi.Check(_vk.BindBufferMemory(vkDevice, buffer, memory, 0), "vkBindBufferMemory", device);
            void* mapped = null;
            if (staging || _deviceMapped)
                VulkanApi.Check(_vk.MapMemory(vkDevice, memory, 0, Vk.WholeSize, 0, &mapped), "vkMapMemory", device);
            lock (_native) _native[buffer.Handle] = (buffer, memory);
            if (counted)
            {
                Interlocked.Add(ref _liveBytes, bytes);
                Interlocked.Increment(ref _liveBuffers);
            }
            return new VulkanBuffer(this, buffer, memory, (byte*)mapped, bytes, staging, counted);
        }
        catch
        {
            if (memory.Handle != 0) _vk.FreeMemory(vkDevice, memory, null);
            _vk.DestroyBuffer(vkDevice, buffer, null);
            throw;
        }
    }

    private void Check(Result result, long bytes, string what)
    {
        if (result is Result.ErrorOutOfDeviceMemory or Result.ErrorOutOfHostMemory)
            throw new DeviceOutOfMemoryException(Device.ToString(), bytes, LiveBytes, (long)result, VulkanApi.Name(result));
        VulkanApi.Check(result, $"{what}({bytes} bytes)", Device.ToString());
    }

    internal void Free(VulkanBuffer buffer)
    {
        // Possibly on the finalizer thread, after the backend closed its device: then the device
        // took the memory with it.
        bool owned;
        lock (_native) owned = _native.Remove(buffer.Handle.Handle);
        if (owned && !Backend.IsClosed)
        {
            if (buffer.Mapped != null) _vk.UnmapMemory(Backend.Handle, buffer.Memory);
            _vk.DestroyBuffer(Backend.Handle, buffer.Handle, null);
            _vk.FreeMemory(Backend.Handle, buffer.Memory, null);
        }
        if (!buffer.IsCounted) return;
        Interlocked.Add(ref _liveBytes, -buffer.ByteLength);
        Interlocked.Decrement(ref _liveBuffers);
    }

    /// <summary>Destroys the native objects of buffers still alive (the backend is closing; the device is idle).</summary>
    internal void FreeAllNative()
    {
        lock (_native)
        {
            foreach (var (buffer, memory) in _native.Values)
            {
                _vk.DestroyBuffer(Backend.Handle, buffer, null);
                _vk.FreeMemory(Backend.Handle, memory, null);
            }
            _native.Clear();
        }
    }

    private static int FindType(PhysicalDeviceMemoryProperties memory, MemoryPropertyFlags flags)
    {
        for (int i = 0; i < memory.MemoryTypeCount; i++)
            if ((memory.MemoryTypes[i].PropertyFlags & flags) == flags) return i;
        return -1;
    }
}
