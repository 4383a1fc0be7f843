using Jit.Backends.OpenCL.Native;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;

namespace Jit.Backends.OpenCL;

/// <summary>
/// A <c>cl_mem</c> made by an <see cref="OpenCLAllocator"/>. Reads and writes are blocking, on the
/// owning backend's queue (so after the work queued there). Releasing calls clReleaseMemObject,
/// which OpenCL defers until the commands already enqueued on the buffer have finished.
/// </summary>
public sealed class OpenCLBuffer : DeviceBuffer
{
    private readonly OpenCLAllocator _allocator;

    internal OpenCLBuffer(OpenCLAllocator allocator, nint handle, long byteLength) : base(allocator.Device, byteLength)
    {
        _allocator = allocator;
        Handle = handle;
    }

    /// <summary>The <c>cl_mem</c>; valid until this buffer is released.</summary>
    public nint Handle { get; }

    /// <summary>The backend this buffer belongs to (its context).</summary>
    public OpenCLBackend Backend => _allocator.Backend;

    protected override void ReadCore(long byteOffset, Span<byte> destination) =>
        _allocator.Backend.CurrentQueue.Download(this, byteOffset, destination);

    protected override void WriteCore(long byteOffset, ReadOnlySpan<byte> source) =>
        _allocator.Backend.CurrentQueue.Upload(this, byteOffset, source);

    protected override void Release() => _allocator.Free(this);

    /// <summary><paramref name="buffer"/> as an OpenCL buffer of <paramref name="device"/>'s context, or a clear error naming <paramref name="what"/>.</summary>
    internal static OpenCLBuffer Of(DeviceBuffer? buffer, OpenCLBackend backend, string what)
    {
        if (buffer is not OpenCLBuffer cl)
            throw new JitDeviceException(backend.Device.ToString(),
                $"{what}: expected memory of '{backend.Device}', got {(buffer is null ? "host memory" : $"memory of '{buffer.Device}'")}");
        if (!ReferenceEquals(cl.Backend, backend))
            throw new JitDeviceException(backend.Device.ToString(), $"{what}: the buffer belongs to another OpenCL backend instance ({cl.Device})");
        ObjectDisposedException.ThrowIf(cl.IsReleased, cl);
        return cl;
    }
}
