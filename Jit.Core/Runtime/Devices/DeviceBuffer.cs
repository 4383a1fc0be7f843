using Jit.Errors;

namespace Jit.Runtime.Devices;

/// <summary>
/// One allocation of device memory, made by a backend's <see cref="IDeviceAllocator"/>. Tensors on
/// a device reference it through their <see cref="Tensors.TensorStorage"/> (a byte range of it).
/// Reads and writes here are blocking and ordered after the work already queued on the owner's
/// default queue, so they are always safe; the runtime uses its own queue's asynchronous copies on
/// hot paths. Disposing releases the memory at once; an undisposed buffer is released when
/// collected (tensors do not dispose their storage).
/// </summary>
public abstract class DeviceBuffer : IDisposable
{
    private int _released;

    protected DeviceBuffer(Device device, long byteLength)
    {
        if (byteLength < 0) throw new JitRuntimeException($"a device buffer of {byteLength} bytes");
        Device = device;
        ByteLength = byteLength;
    }

    public Device Device { get; }
    public long ByteLength { get; }
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>Copies <paramref name="destination"/>.Length bytes from <paramref name="byteOffset"/> to the host, after all queued work.</summary>
    public void Read(long byteOffset, Span<byte> destination)
    {
        CheckRange(byteOffset, destination.Length);
        ReadCore(byteOffset, destination);
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="byteOffset"/>, after all queued work; returns when done.</summary>
    public void Write(long byteOffset, ReadOnlySpan<byte> source)
    {
        CheckRange(byteOffset, source.Length);
        WriteCore(byteOffset, source);
    }

    protected abstract void ReadCore(long byteOffset, Span<byte> destination);
    protected abstract void WriteCore(long byteOffset, ReadOnlySpan<byte> source);

    /// <summary>Frees the device memory (called once, possibly from the finalizer thread).</summary>
    protected abstract void Release();

    private void CheckRange(long byteOffset, long length)
    {
        ObjectDisposedException.ThrowIf(IsReleased, this);
        if (byteOffset < 0 || length < 0 || byteOffset > ByteLength - length)
            throw new JitRuntimeException($"device buffer access [{byteOffset}, {byteOffset + length}) outside its {ByteLength} bytes on '{Device}'");
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        Release();
        GC.SuppressFinalize(this);
    }

    ~DeviceBuffer()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) Release();
    }

    public override string ToString() => $"DeviceBuffer({Device}, {ByteLength} bytes)";
}
