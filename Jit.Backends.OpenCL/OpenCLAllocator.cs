using Jit.Backends.OpenCL.Native;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Silk.NET.OpenCL;

namespace Jit.Backends.OpenCL;

/// <summary>
/// Device memory of one <see cref="OpenCLBackend"/>'s context: each allocation is its own
/// <c>cl_mem</c> (read-write). Counts live bytes and buffers (thread-safe) so tests can find leaks.
/// A request the device cannot hold (over CL_DEVICE_MAX_MEM_ALLOC_SIZE, or refused for want of
/// memory) throws <see cref="DeviceOutOfMemoryException"/> and changes no count.
/// </summary>
public sealed class OpenCLAllocator : IDeviceAllocator
{
    private readonly CL _cl;
    private long _liveBytes;
    private long _liveBuffers;

    internal OpenCLAllocator(OpenCLBackend backend, CL cl)
    {
        Backend = backend;
        _cl = cl;
    }

    internal OpenCLBackend Backend { get; }

    public Device Device => Backend.Device;
    public long LiveBytes => Interlocked.Read(ref _liveBytes);
    public long LiveBuffers => Interlocked.Read(ref _liveBuffers);

    /// <summary>Allocates <paramref name="bytes"/> (0 is allowed: one byte is reserved, none counted).</summary>
    public unsafe DeviceBuffer Allocate(long bytes)
    {
        string device = Device.ToString();
        if (bytes < 0) throw new JitRuntimeException($"{device}: cannot allocate {bytes} bytes");
        if (bytes > Backend.Info.MaxAllocationBytes)
            throw new DeviceOutOfMemoryException(device, bytes, LiveBytes, OpenCLErrors.InvalidBufferSize, OpenCLErrors.Name(OpenCLErrors.InvalidBufferSize));
        int status;
        nint mem = _cl.CreateBuffer(Backend.Context, MemFlags.ReadWrite, (nuint)Math.Max(bytes, 1), null, &status);
        if (status is OpenCLErrors.MemObjectAllocationFailure or OpenCLErrors.OutOfResources or OpenCLErrors.OutOfHostMemory or OpenCLErrors.InvalidBufferSize)
            throw new DeviceOutOfMemoryException(device, bytes, LiveBytes, status, OpenCLErrors.Name(status));
        OpenCLApi.Check(status, $"clCreateBuffer({bytes} bytes)", device);
        Interlocked.Add(ref _liveBytes, bytes);
        Interlocked.Increment(ref _liveBuffers);
        return new OpenCLBuffer(this, mem, bytes);
    }

    internal void Free(OpenCLBuffer buffer)
    {
        // Release may run on the finalizer thread: never throw from here.
        _cl.ReleaseMemObject(buffer.Handle);
        Interlocked.Add(ref _liveBytes, -buffer.ByteLength);
        Interlocked.Decrement(ref _liveBuffers);
    }
}
