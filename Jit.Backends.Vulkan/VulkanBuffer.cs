using Jit.Errors;
using Jit.Runtime.Devices;
using Silk.NET.Vulkan;
using VkBuffer = Silk.NET.Vulkan.Buffer;

namespace Jit.Backends.Vulkan;

/// <summary>
/// A <c>VkBuffer</c> with its own <c>VkDeviceMemory</c>, made by a <see cref="VulkanAllocator"/>;
/// mapped for the whole of its life when the memory is host-visible. Reads and writes are blocking,
/// on the thread's current queue of this backend, else its default queue. Releasing a buffer that
/// commands still use waits for them: the memory is freed when the last submission using it
/// completes (<see cref="VulkanSubmission"/>).
/// </summary>
public sealed unsafe class VulkanBuffer : DeviceBuffer
{
    private readonly VulkanAllocator _allocator;

    internal VulkanBuffer(VulkanAllocator allocator, VkBuffer handle, DeviceMemory memory, byte* mapped, long byteLength, bool staging, bool counted)
        : base(allocator.Device, byteLength)
    {
        IsCounted = counted;
        _allocator = allocator;
        Handle = handle;
        Memory = memory;
        Mapped = mapped;
        IsStaging = staging;
    }

    public VkBuffer Handle { get; }
    internal DeviceMemory Memory { get; }

    /// <summary>The host address of the memory, or null when it is not host-visible.</summary>
    internal byte* Mapped { get; }

    internal bool IsStaging { get; }

    // False for a queue's own argument blocks (see VulkanArgumentArena).
    internal bool IsCounted { get; }

    public VulkanBackend Backend => _allocator.Backend;

    // The submission that used the buffer last and its serial then (see VulkanSubmission.Use).
    internal VulkanSubmission? LastUse;
    internal long LastUseSerial;

    protected override void ReadCore(long byteOffset, Span<byte> destination) =>
        Backend.CurrentQueue.Download(this, byteOffset, destination);

    protected override void WriteCore(long byteOffset, ReadOnlySpan<byte> source)
    {
        var queue = Backend.CurrentQueue;
        queue.Upload(this, byteOffset, source);
        // A write returns when done: a staged upload is a queued copy until the queue drains.
        if (LastUse is { } use && use.IsPendingAt(LastUseSerial)) queue.Synchronize();
    }

    protected override void Release()
    {
        // Possibly on the finalizer thread: never throw from here.
        if (LastUse is { } use && use.TryDefer(this, LastUseSerial)) return;
        _allocator.Free(this);
    }

    internal void FreeNow() => _allocator.Free(this);

    /// <summary><paramref name="buffer"/> as a Vulkan buffer of <paramref name="backend"/>, or a clear error naming <paramref name="what"/>.</summary>
    internal static VulkanBuffer Of(DeviceBuffer? buffer, VulkanBackend backend, string what)
    {
        if (buffer is not VulkanBuffer vb)
            throw new JitDeviceException(backend.Device.ToString(),
                $"{what}: expected memory of '{backend.Device}', got {(buffer is null ? "host memory" : $"memory of '{buffer.Device}'")}");
        if (!ReferenceEquals(vb.Backend, backend))
            throw new JitDeviceException(backend.Device.ToString(), $"{what}: the buffer belongs to another Vulkan backend instance ({vb.Device})");
        ObjectDisposedException.ThrowIf(vb.IsReleased, vb);
        return vb;
    }
}
