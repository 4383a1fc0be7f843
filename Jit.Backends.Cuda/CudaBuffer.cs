using ILGPU;
using ILGPU.Runtime;
using Jit.Errors;
using Jit.Runtime.Devices;

namespace Jit.Backends.Cuda;

/// <summary>
/// Device memory made by a <see cref="CudaAllocator"/>: one ILGPU byte buffer. Reads and writes
/// are blocking, on the thread's current queue when it is this backend's, else the default queue,
/// so they come after the work queued there.
/// </summary>
public sealed class CudaBuffer : DeviceBuffer
{
    private readonly CudaAllocator _allocator;

    internal CudaBuffer(CudaAllocator allocator, MemoryBuffer1D<byte, Stride1D.Dense> memory, long byteLength) : base(allocator.Device, byteLength)
    {
        _allocator = allocator;
        Memory = memory;
    }

    internal MemoryBuffer1D<byte, Stride1D.Dense> Memory { get; }

    /// <summary>The whole buffer as the byte view kernels take.</summary>
    internal ArrayView<byte> View => Memory.View;

    public CudaBackend Backend => _allocator.Backend;

    protected override void ReadCore(long byteOffset, Span<byte> destination) => Backend.QueueForThread().Download(this, byteOffset, destination);

    protected override void WriteCore(long byteOffset, ReadOnlySpan<byte> source) => Backend.QueueForThread().Upload(this, byteOffset, source);

    protected override void Release() => _allocator.Free(this);

    /// <summary><paramref name="buffer"/> as memory of <paramref name="backend"/>, or a clear error naming <paramref name="what"/>.</summary>
    internal static CudaBuffer Of(DeviceBuffer? buffer, CudaBackend backend, string what)
    {
        if (buffer is not CudaBuffer cuda)
            throw new JitDeviceException(backend.Device.ToString(),
                $"{what}: expected memory of '{backend.Device}', got {(buffer is null ? "host memory" : $"memory of '{buffer.Device}'")}");
        if (!ReferenceEquals(cuda.Backend, backend))
            throw new JitDeviceException(backend.Device.ToString(), $"{what}: the buffer belongs to another CUDA backend instance ({cuda.Device})");
        ObjectDisposedException.ThrowIf(cuda.IsReleased, cuda);
        return cuda;
    }
}
