using Jit.Errors;
using Jit.Ir;
using Jit.Tensors;

namespace Jit.Runtime.Devices;

/// <summary>
/// Device memory that is never allocated: tensors over it carry a dtype, sizes and strides for the
/// questions asked at plan time (which kernel runs a node), and any read or write throws.
/// </summary>
public sealed class PlaceholderBuffer(Device device, long byteLength) : DeviceBuffer(device, byteLength)
{
    /// <summary>A contiguous tensor of <paramref name="type"/>'s complete dtype and sizes (its strides where all are known), or null.</summary>
    public static Tensor? TensorOf(TensorType type, Device device)
    {
        if (type.DType is not { } dtype || type.ConcreteSizes is not { } sizes) return null;
        var strides = type.Strides is { } s && s.Count == sizes.Length && s.All(x => x is not null)
            ? s.Select(x => x!.Value).ToArray()
            : ShapeUtil.ContiguousStrides(sizes);
        long extent = 1;
        for (int d = 0; d < sizes.Length; d++)
        {
            if (sizes[d] == 0) return new Tensor(new TensorStorage(new PlaceholderBuffer(device, 0)), dtype, sizes, strides);
            extent += (sizes[d] - 1) * strides[d];
        }
        return new Tensor(new TensorStorage(new PlaceholderBuffer(device, extent * dtype.ElementSize())), dtype, sizes, strides);
    }

    protected override void ReadCore(long byteOffset, Span<byte> destination) =>
        throw new JitRuntimeException("a plan-time placeholder tensor has no data");

    protected override void WriteCore(long byteOffset, ReadOnlySpan<byte> source) =>
        throw new JitRuntimeException("a plan-time placeholder tensor has no data");

    protected override void Release() { }
}
