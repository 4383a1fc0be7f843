using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;

namespace Jit.Tensors;

/// <summary>
/// The bytes behind one or more tensors. Views share a storage. Host storage is managed memory
/// (a loaded model's weights may be a storage over the file's own memory, no copy); device
/// storage is a byte range (<see cref="ByteOffset"/>, <see cref="ByteLength"/>) of a
/// <see cref="DeviceBuffer"/>, and its host accessors throw <see cref="HostAccessException"/>.
/// Offsets and lengths are long: a device storage may exceed 2 GiB.
/// </summary>
public sealed class TensorStorage
{
    private readonly Memory<byte> _bytes;

    public TensorStorage(Memory<byte> bytes)
    {
        _bytes = bytes;
        ByteLength = bytes.Length;
        Device = Device.Cpu;
    }

    public TensorStorage(long byteLength)
    {
        if (byteLength < 0 || byteLength > Array.MaxLength)
            throw new JitRuntimeException($"cannot allocate a tensor storage of {byteLength} bytes");
        _bytes = new byte[byteLength];
        ByteLength = byteLength;
        Device = Device.Cpu;
    }

    /// <summary>The bytes [<paramref name="byteOffset"/>, +<paramref name="byteLength"/>) of a device buffer.</summary>
    public TensorStorage(DeviceBuffer buffer, long byteOffset, long byteLength)
    {
        if (byteOffset < 0 || byteLength < 0 || byteOffset > buffer.ByteLength - byteLength)
            throw new JitRuntimeException($"storage [{byteOffset}, {byteOffset + byteLength}) outside a device buffer of {buffer.ByteLength} bytes");
        Buffer = buffer;
        ByteOffset = byteOffset;
        ByteLength = byteLength;
        Device = buffer.Device;
    }

    /// <summary>A whole device buffer.</summary>
    public TensorStorage(DeviceBuffer buffer) : this(buffer, 0, buffer.ByteLength) { }

    /// <summary>Where the bytes are: <see cref="Device.Cpu"/> for host memory.</summary>
    public Device Device { get; }

    /// <summary>True for host memory; false for device memory.</summary>
    public bool IsHost => Buffer is null;

    /// <summary>The device allocation (null on the host).</summary>
    public DeviceBuffer? Buffer { get; }

    /// <summary>Where this storage starts in <see cref="Buffer"/> (0 on the host).</summary>
    public long ByteOffset { get; }

    public long ByteLength { get; }

    /// <summary>The host bytes; <see cref="HostAccessException"/> for device storage.</summary>
    public Memory<byte> Bytes => Buffer is null ? _bytes : throw new HostAccessException(Device.ToString());

    /// <summary>A storage over bytes [<paramref name="offset"/>, +<paramref name="length"/>) of this one, on the same memory.</summary>
    public TensorStorage Slice(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset > ByteLength - length)
            throw new JitRuntimeException($"storage slice [{offset}, {offset + length}) outside {ByteLength} bytes");
        return Buffer is null ? new TensorStorage(_bytes.Slice((int)offset, (int)length)) : new TensorStorage(Buffer, ByteOffset + offset, length);
    }
}
