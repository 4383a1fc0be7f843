using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;

using Device = Jit.Runtime.Device;

namespace Jit.Backends.Cuda;

/// <summary>
/// Device memory of one <see cref="CudaBackend"/>: each allocation is its own ILGPU buffer
/// (cuMemAlloc on a GPU). Counts live bytes and buffers (thread-safe) so tests can find leaks. A
/// request over the device's memory (or the backend's limit), or refused by the driver, throws
/// <see cref="DeviceOutOfMemoryException"/> and changes no count.
/// </summary>
public sealed class CudaAllocator : IDeviceAllocator
{
    private long _liveBytes;
    private long _liveBuffers;

    internal CudaAllocator(CudaBackend backend, long limitBytes)
    {
        Backend = backend;
        LimitBytes = limitBytes;
    }

    internal CudaBackend Backend { get; }

    /// <summary>The most bytes live at once.</summary>
    public long LimitBytes { get; }

    public Device Device => Backend.Device;
    public long LiveBytes => Interlocked.Read(ref _liveBytes);
    public long LiveBuffers => Interlocked.Read(ref _liveBuffers);

    /// <summary>Allocates <paramref name="bytes"/> (0 is allowed: one byte is reserved, none counted).</summary>
    public DeviceBuffer Allocate(long bytes)
    {
        string device = Device.ToString();
        if (bytes < 0) throw new JitRuntimeException($"{device}: cannot allocate {bytes} bytes");
        if (bytes > LimitBytes - LiveBytes)
            throw new DeviceOutOfMemoryException(device, bytes, LiveBytes, 2, "CUDA_ERROR_OUT_OF_MEMORY");
        MemoryBuffer1D<byte, Stride1D.Dense> memory;
        try
        {
            memory = Backend.Accelerator.Allocate1D<byte>(Math.Max(bytes, 1));
        }
        catch (Exception e) when (e is OutOfMemoryException || e is CudaException cuda && IsOutOfMemory(cuda))
        {
            throw new DeviceOutOfMemoryException(device, bytes, LiveBytes, 2, "CUDA_ERROR_OUT_OF_MEMORY");
        }
        Interlocked.Add(ref _liveBytes, bytes);
        Interlocked.Increment(ref _liveBuffers);
        return new CudaBuffer(this, memory, bytes);
    }

    // ILGPU's CudaException carries the error as text (its name, or the driver's description).
    private static bool IsOutOfMemory(CudaException e) =>
        $"{e.Error} {e.Message}" is var text
        && (text.Contains(nameof(CudaError.CUDA_ERROR_OUT_OF_MEMORY), StringComparison.Ordinal) || text.Contains("out of memory", StringComparison.OrdinalIgnoreCase));

    internal void Free(CudaBuffer buffer)
    {
        // Release may run on the finalizer thread: never throw from here.
        try
        {
            buffer.Memory.Dispose();
        }
        catch (Exception)
        {
            // The context is gone already (backend disposed): its memory went with it.
        }
        Interlocked.Add(ref _liveBytes, -buffer.ByteLength);
        Interlocked.Decrement(ref _liveBuffers);
    }
}
