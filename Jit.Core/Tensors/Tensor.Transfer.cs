using Jit.Errors;
using Jit.Runtime.Devices;

namespace Jit.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// The bytes this tensor's elements span in its storage: from its first element to one past its
    /// last (every element lies inside, for any strides).
    /// </summary>
    public (long Offset, long Length) ByteExtent()
    {
        long es = DType.ElementSize();
        if (NumElements == 0) return (StorageOffset * es, 0);
        long last = StorageOffset;
        for (int d = 0; d < Rank; d++) last += (_sizes[d] - 1) * _strides[d];
        return (StorageOffset * es, (last - StorageOffset + 1) * es);
    }

    /// <summary>
    /// This tensor in host memory: itself when it is already there, else a copy of the bytes it
    /// spans, with the same sizes and strides (waits for the device work queued before).
    /// </summary>
    public Tensor ToHost()
    {
        if (IsHost) return this;
        var (offset, length) = ByteExtent();
        if (length > Array.MaxLength)
            throw new JitRuntimeException($"a tensor of {length} bytes on '{Device}' does not fit one host array");
        var storage = new TensorStorage(length);
        Storage.Buffer!.Read(Storage.ByteOffset + offset, storage.Bytes.Span);
        return new Tensor(storage, DType, _sizes, _strides, StorageOffset - offset / DType.ElementSize());
    }

    /// <summary>
    /// A copy of this host tensor in memory from <paramref name="allocator"/>, with the same sizes and
    /// strides over the bytes it spans. The buffer belongs to the new tensor's storage.
    /// </summary>
    public Tensor ToDevice(IDeviceAllocator allocator)
    {
        if (!IsHost) throw new JitRuntimeException($"ToDevice: the tensor is already on '{Device}'; copy it to the host first");
        var buffer = allocator.Allocate(Math.Max(ByteExtent().Length, DType.ElementSize()));
        try
        {
            return UploadTo(buffer);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the bytes this host tensor spans to the start of <paramref name="buffer"/> (at least
    /// that long) and returns the tensor over them there, with the same sizes and strides.
    /// </summary>
    public Tensor UploadTo(DeviceBuffer buffer)
    {
        if (!IsHost) throw new JitRuntimeException($"UploadTo: the tensor is already on '{Device}'");
        var (offset, length) = ByteExtent();
        buffer.Write(0, Storage.Bytes.Span.Slice((int)offset, (int)length));
        return new Tensor(new TensorStorage(buffer), DType, _sizes, _strides, StorageOffset - offset / DType.ElementSize());
    }

    /// <summary>A new contiguous tensor of <paramref name="dtype"/> and <paramref name="sizes"/> in memory from <paramref name="allocator"/> (contents undefined).</summary>
    public static Tensor EmptyOn(IDeviceAllocator allocator, DType dtype, ReadOnlySpan<long> sizes)
    {
        long n = CheckedNumel(sizes);
        var buffer = allocator.Allocate(Math.Max(checked(n * dtype.ElementSize()), dtype.ElementSize()));
        return new Tensor(new TensorStorage(buffer), dtype, sizes, ShapeUtil.ContiguousStrides(sizes));
    }
}
