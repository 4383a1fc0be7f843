using System.Runtime.InteropServices;
using Jit.Errors;

namespace Jit.Tensors;

/// <summary>
/// A tensor: dtype, sizes, strides (in elements) and a storage offset over a shared
/// <see cref="TensorStorage"/> in host or device memory (<see cref="Device"/>). Views
/// (<see cref="AsStrided"/>) never copy. Element accessors and spans work on host tensors only
/// and throw <see cref="HostAccessException"/> on a device tensor (see <see cref="ToHost"/>).
/// </summary>
public sealed partial class Tensor
{
    private readonly long[] _sizes;
    private readonly long[] _strides;

    public DType DType { get; }
    public TensorStorage Storage { get; }
    public long StorageOffset { get; }
    public ReadOnlySpan<long> Sizes => _sizes;
    public ReadOnlySpan<long> Strides => _strides;
    public int Rank => _sizes.Length;
    public long NumElements { get; }

    /// <summary>Where the data is: its storage's device (<see cref="Runtime.Device.Cpu"/> for host memory).</summary>
    public Runtime.Device Device => Storage.Device;

    /// <summary>True when the data is in host memory.</summary>
    public bool IsHost => Storage.IsHost;

    public Tensor(TensorStorage storage, DType dtype, ReadOnlySpan<long> sizes, ReadOnlySpan<long> strides, long storageOffset = 0)
    {
        if (sizes.Length != strides.Length)
            throw new JitShapeException($"tensor has {sizes.Length} sizes but {strides.Length} strides");
        Storage = storage;
        DType = dtype;
        _sizes = sizes.ToArray();
        _strides = strides.ToArray();
        StorageOffset = storageOffset;
        NumElements = CheckedNumel(_sizes);
        CheckFitsStorage();
    }

    public long Size(int dim) => _sizes[WrapDim(dim)];
    public long Stride(int dim) => _strides[WrapDim(dim)];
    public long[] SizesArray() => (long[])_sizes.Clone();
    public long[] StridesArray() => (long[])_strides.Clone();

    /// <summary>Normalizes a possibly negative dim into [0, Rank), as PyTorch's maybe_wrap_dim.</summary>
    public int WrapDim(int dim) => ShapeUtil.WrapDim(dim, Rank);

    public bool IsContiguous
    {
        get
        {
            long expected = 1;
            for (int d = Rank - 1; d >= 0; d--)
            {
                if (_sizes[d] == 1) continue;
                if (_strides[d] != expected) return NumElements == 0;
                expected *= _sizes[d];
            }
            return true;
        }
    }

    // ---- construction ----

    public static Tensor Empty(DType dtype, params long[] sizes) => Empty(dtype, (ReadOnlySpan<long>)sizes);

    public static Tensor Empty(DType dtype, ReadOnlySpan<long> sizes)
    {
        long n = CheckedNumel(sizes);
        var storage = new TensorStorage(checked(n * dtype.ElementSize()));
        return new Tensor(storage, dtype, sizes, ShapeUtil.ContiguousStrides(sizes));
    }

    public static Tensor Zeros(DType dtype, params long[] sizes) => Empty(dtype, sizes);

    public static Tensor FromArray<T>(T[] data, params long[] sizes) where T : unmanaged
    {
        var dtype = DTypeOf<T>();
        if (sizes.Length == 0 && data.Length != 1) sizes = [data.Length];
        var t = Empty(dtype, sizes);
        if (t.NumElements != data.Length)
            throw new JitShapeException($"FromArray: {data.Length} elements do not fill shape [{string.Join(", ", sizes)}]");
        MemoryMarshal.AsBytes(data.AsSpan()).CopyTo(t.Storage.Bytes.Span);
        return t;
    }

    public static Tensor Scalar(double value, DType dtype = DType.Float32)
    {
        var t = Empty(dtype, ReadOnlySpan<long>.Empty);
        t.SetDouble(0, value);
        return t;
    }

    public static Tensor Scalar(long value, DType dtype = DType.Int64)
    {
        var t = Empty(dtype, ReadOnlySpan<long>.Empty);
        t.SetLong(0, value);
        return t;
    }

    public static Tensor Scalar(bool value)
    {
        var t = Empty(DType.Bool, ReadOnlySpan<long>.Empty);
        t.SetLong(0, value ? 1 : 0);
        return t;
    }

    public static DType DTypeOf<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.Float32 :
        typeof(T) == typeof(double) ? DType.Float64 :
        typeof(T) == typeof(long) ? DType.Int64 :
        typeof(T) == typeof(int) ? DType.Int32 :
        typeof(T) == typeof(short) ? DType.Int16 :
        typeof(T) == typeof(sbyte) ? DType.Int8 :
        typeof(T) == typeof(byte) ? DType.UInt8 :
        typeof(T) == typeof(bool) ? DType.Bool :
        typeof(T) == typeof(Half) ? DType.Float16 :
        throw new JitTypeException($"no dtype for element type {typeof(T).Name}");

    // ---- views ----

    /// <summary>A view on the same storage with new sizes/strides/offset; bounds are checked.</summary>
    public Tensor AsStrided(ReadOnlySpan<long> sizes, ReadOnlySpan<long> strides, long storageOffset) =>
        new(Storage, DType, sizes, strides, storageOffset);

    public Tensor AsStrided(ReadOnlySpan<long> sizes, ReadOnlySpan<long> strides) =>
        new(Storage, DType, sizes, strides, StorageOffset);

    /// <summary>The whole storage as a span of <typeparamref name="T"/>; index with <see cref="StorageOffset"/> and strides.</summary>
    public Span<T> StorageSpan<T>() where T : unmanaged => MemoryMarshal.Cast<byte, T>(Storage.Bytes.Span);

    /// <summary>The elements of a contiguous tensor, starting at its offset.</summary>
    public Span<T> ContiguousSpan<T>() where T : unmanaged
    {
        if (!IsContiguous) throw new JitRuntimeException("ContiguousSpan called on a non-contiguous tensor");
        return StorageSpan<T>().Slice((int)StorageOffset, (int)NumElements);
    }

    // ---- bounds ----

    private void CheckFitsStorage()
    {
        if (StorageOffset < 0) throw new JitShapeException($"negative storage offset {StorageOffset}");
        if (NumElements == 0) return;
        long maxIndex = StorageOffset;
        for (int d = 0; d < _sizes.Length; d++)
        {
            if (_strides[d] < 0) throw new JitShapeException($"negative stride {_strides[d]} in dim {d}");
            maxIndex = checked(maxIndex + (_sizes[d] - 1) * _strides[d]);
        }
        long needed = checked((maxIndex + 1) * DType.ElementSize());
        if (needed > Storage.ByteLength)
            throw new JitShapeException(
                $"tensor of sizes [{string.Join(", ", _sizes)}] strides [{string.Join(", ", _strides)}] offset {StorageOffset} " +
                $"needs {needed} bytes but its storage has {Storage.ByteLength}");
    }

    private static long CheckedNumel(ReadOnlySpan<long> sizes)
    {
        long n = 1;
        foreach (var s in sizes)
        {
            if (s < 0) throw new JitShapeException($"negative size {s} in shape [{string.Join(", ", sizes.ToArray())}]");
            try { n = checked(n * s); }
            catch (OverflowException) { throw new JitShapeException($"shape [{string.Join(", ", sizes.ToArray())}] has too many elements"); }
        }
        return n;
    }

    public override string ToString() => $"Tensor({DType.PythonName()}, [{string.Join(", ", _sizes)}])";
}
