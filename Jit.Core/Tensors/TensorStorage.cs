namespace Jit.Tensors;

/// <summary>
/// The bytes behind one or more tensors. Views share a storage; a loaded model's weights may be a
/// storage over the file's own memory (no copy).
/// </summary>
public sealed class TensorStorage
{
    public Memory<byte> Bytes { get; }

    public TensorStorage(Memory<byte> bytes) => Bytes = bytes;

    public TensorStorage(long byteLength)
    {
        if (byteLength < 0 || byteLength > Array.MaxLength)
            throw new Errors.JitRuntimeException($"cannot allocate a tensor storage of {byteLength} bytes");
        Bytes = new byte[byteLength];
    }

    public long ByteLength => Bytes.Length;
}
