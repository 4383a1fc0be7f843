using System.Runtime.InteropServices;
using Jit.Backends.Cuda.Native;

namespace Jit.Backends.Cuda;

/// <summary>
/// A ring of page-locked host memory (cuMemHostAlloc) one GPU queue uploads through: the caller's
/// bytes are copied in, then cuMemcpyHtoDAsync runs truly asynchronously on the stream, so an
/// upload returns before the device has the data and the caller may reuse its span at once. When
/// the ring is full the stream is waited for, which frees it all; an upload larger than the ring
/// goes directly (the driver then stages it itself). Not thread-safe: its queue serializes uploads.
/// Unchecked on hardware.
/// </summary>
internal sealed class PinnedStaging(CudaQueue queue, long capacity) : IDisposable
{
    private nint _host;
    private long _used;

    public long Capacity { get; } = capacity;

    /// <summary>Enqueues the copy of <paramref name="source"/> to device address <paramref name="destination"/>; false when it does not fit the ring.</summary>
    public unsafe bool TryUpload(ulong destination, ReadOnlySpan<byte> source)
    {
        if (source.Length > Capacity) return false;
        string device = queue.Device.ToString();
        if (_host == 0) CudaDriverApi.Check(CudaDriverApi.MemHostAlloc(out _host, (nuint)Capacity, 0), $"cuMemHostAlloc({Capacity} bytes)", device);
        if (_used + source.Length > Capacity)
        {
            // Every copy out of the ring so far is done once the stream is.
            queue.Stream.Synchronize();
            _used = 0;
        }
        nint slot = _host + (nint)_used;
        source.CopyTo(new Span<byte>((void*)slot, source.Length));
        CudaDriverApi.Check(CudaDriverApi.MemcpyHtoDAsync(destination, slot, (nuint)source.Length, queue.NativeStream),
            $"cuMemcpyHtoDAsync({source.Length} bytes)", device);
        // Keep slots 256-byte aligned, as the DMA engines prefer.
        _used += (source.Length + 255) & ~255L;
        return true;
    }

    /// <summary>The stream has been waited for: the whole ring is free again.</summary>
    public void Reset() => _used = 0;

    public void Dispose()
    {
        nint h = _host;
        _host = 0;
        if (h != 0) CudaDriverApi.MemFreeHost(h);
    }
}
