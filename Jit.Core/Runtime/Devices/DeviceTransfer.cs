using Jit.Errors;
using Jit.Tensors;

namespace Jit.Runtime.Devices;

/// <summary>
/// Moving values between host and device memory at the edges of a device plan and around its host
/// steps: tensors, and tensors inside lists and tuples. Numbers and other values pass unchanged.
/// </summary>
public static class DeviceTransfer
{
    /// <summary>The value with every device tensor in it copied to the host (waits for queued work).</summary>
    public static IValue ToHost(IValue value) => MapTensors(value, t => t.IsHost ? t : t.ToHost());

    /// <summary>The value with every host tensor in it copied to <paramref name="allocator"/>'s memory.</summary>
    public static IValue ToDevice(IValue value, IDeviceAllocator allocator) => MapTensors(value, t => t.IsHost ? t.ToDevice(allocator) : t);

    /// <summary>
    /// The value with each tensor in it (inside lists and tuples too) replaced by <paramref name="map"/>'s
    /// result; the value itself, and each list or tuple, where nothing in it changed.
    /// </summary>
    public static IValue MapTensors(IValue value, Func<Tensor, Tensor> map)
    {
        if (value.IsTensor)
        {
            var mapped = map(value.AsTensor);
            return ReferenceEquals(mapped, value.AsTensor) ? value : IValue.FromTensor(mapped);
        }
        if (value.IsList)
        {
            var items = value.AsList.Items;
            var mapped = items.Select(v => MapTensors(v, map)).ToArray();
            return mapped.SequenceEqual(items) ? value : IValue.FromList(new IValueList(value.AsList.ElementType, [.. mapped]));
        }
        if (value.IsTuple)
        {
            var items = value.AsTuple.Items;
            var mapped = items.Select(v => MapTensors(v, map)).ToArray();
            return mapped.SequenceEqual(items) ? value : IValue.FromTuple(new IValueTuple(mapped));
        }
        return value;
    }

    public static bool HasDeviceTensor(IValue v) =>
        v.IsTensor ? !v.AsTensor.IsHost : v.IsList ? v.AsList.Items.Any(HasDeviceTensor) : v.IsTuple && v.AsTuple.Items.Any(HasDeviceTensor);

    public static bool HasHostTensor(IValue v) =>
        v.IsTensor ? v.AsTensor.IsHost : v.IsList ? v.AsList.Items.Any(HasHostTensor) : v.IsTuple && v.AsTuple.Items.Any(HasHostTensor);

    /// <summary>
    /// Copies device tensor <paramref name="source"/> into host tensor <paramref name="destination"/>
    /// (same dtype and sizes, any strides): one read when both are dense, else through a host copy.
    /// </summary>
    public static void Download(Tensor source, Tensor destination)
    {
        if (source.DType != destination.DType || !source.Sizes.SequenceEqual(destination.Sizes))
            throw new JitShapeException($"cannot copy {source} into {destination}");
        if (!destination.IsHost) throw new JitRuntimeException($"Download: the destination is on '{destination.Device}', not the host");
        if (source.IsContiguous && destination.IsContiguous)
        {
            long es = source.DType.ElementSize();
            var dst = destination.Storage.Bytes.Span.Slice((int)(destination.StorageOffset * es), (int)(destination.NumElements * es));
            source.Storage.Buffer!.Read(source.Storage.ByteOffset + source.StorageOffset * es, dst);
            return;
        }
        CopyStrided(source.ToHost(), destination);
    }

    /// <summary>
    /// Writes host tensor <paramref name="source"/> back over device tensor <paramref name="destination"/>
    /// of the same layout (a host step's in-place result): the bytes it spans.
    /// </summary>
    public static void WriteBack(Tensor source, Tensor destination)
    {
        var (srcOffset, length) = source.ByteExtent();
        var (dstOffset, dstLength) = destination.ByteExtent();
        if (length != dstLength || !source.Strides.SequenceEqual(destination.Strides))
            throw new JitRuntimeException("WriteBack: the host copy's layout differs from its device tensor");
        destination.Storage.Buffer!.Write(destination.Storage.ByteOffset + dstOffset, source.Storage.Bytes.Span.Slice((int)srcOffset, (int)length));
    }

    /// <summary>Element-by-element byte copy between host tensors of one dtype and sizes (any strides).</summary>
    public static void CopyStrided(Tensor source, Tensor destination)
    {
        int es = source.DType.ElementSize();
        var src = source.Storage.Bytes.Span;
        var dst = destination.Storage.Bytes.Span;
        for (long i = 0; i < source.NumElements; i++)
            src.Slice((int)(source.StorageIndex(i) * es), es).CopyTo(dst.Slice((int)(destination.StorageIndex(i) * es), es));
    }
}
