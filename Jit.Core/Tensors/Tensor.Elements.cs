using System.Runtime.InteropServices;
using Jit.Errors;

namespace Jit.Tensors;

// Element access by logical (row-major) index, for any dtype. Slow and general: reference
// kernels, tests and host code use it; fast kernels work on typed spans.
public sealed partial class Tensor
{
    /// <summary>Storage element index of the element at row-major position <paramref name="linear"/>.</summary>
    public long StorageIndex(long linear)
    {
        long index = StorageOffset;
        for (int d = Rank - 1; d >= 0; d--)
        {
            long size = _sizes[d];
            long i = linear % size;
            linear /= size;
            index += i * _strides[d];
        }
        return index;
    }

    public double GetDouble(long linear) => ReadDouble(StorageIndex(linear));
    public long GetLong(long linear) => ReadLong(StorageIndex(linear));
    public void SetDouble(long linear, double v) => WriteDouble(StorageIndex(linear), v);
    public void SetLong(long linear, long v) => WriteLong(StorageIndex(linear), v);

    public double ReadDouble(long storageIndex)
    {
        var b = Storage.Bytes.Span;
        int i = checked((int)storageIndex);
        return DType switch
        {
            DType.Float32 => MemoryMarshal.Cast<byte, float>(b)[i],
            DType.Float64 => MemoryMarshal.Cast<byte, double>(b)[i],
            DType.Float16 => (double)MemoryMarshal.Cast<byte, Half>(b)[i],
            DType.BFloat16 => BFloat16.ToSingle(MemoryMarshal.Cast<byte, ushort>(b)[i]),
            _ => ReadLong(storageIndex),
        };
    }

    public long ReadLong(long storageIndex)
    {
        var b = Storage.Bytes.Span;
        int i = checked((int)storageIndex);
        return DType switch
        {
            DType.Int64 => MemoryMarshal.Cast<byte, long>(b)[i],
            DType.Int32 => MemoryMarshal.Cast<byte, int>(b)[i],
            DType.Int16 => MemoryMarshal.Cast<byte, short>(b)[i],
            DType.Int8 => (sbyte)b[i],
            DType.UInt8 => b[i],
            DType.Bool => b[i] != 0 ? 1 : 0,
            DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16 => (long)ReadDouble(storageIndex),
            _ => throw new JitTypeException($"unsupported dtype {DType}"),
        };
    }

    public void WriteDouble(long storageIndex, double v)
    {
        var b = Storage.Bytes.Span;
        int i = checked((int)storageIndex);
        switch (DType)
        {
            case DType.Float32: MemoryMarshal.Cast<byte, float>(b)[i] = (float)v; break;
            case DType.Float64: MemoryMarshal.Cast<byte, double>(b)[i] = v; break;
            case DType.Float16: MemoryMarshal.Cast<byte, Half>(b)[i] = (Half)v; break;
            case DType.BFloat16: MemoryMarshal.Cast<byte, ushort>(b)[i] = BFloat16.FromSingle((float)v); break;
            case DType.Bool: b[i] = v != 0 ? (byte)1 : (byte)0; break;
            default: WriteLong(storageIndex, double.IsNaN(v) ? 0 : (long)v); break;
        }
    }

    public void WriteLong(long storageIndex, long v)
    {
        var b = Storage.Bytes.Span;
        int i = checked((int)storageIndex);
        switch (DType)
        {
            case DType.Int64: MemoryMarshal.Cast<byte, long>(b)[i] = v; break;
            case DType.Int32: MemoryMarshal.Cast<byte, int>(b)[i] = unchecked((int)v); break;
            case DType.Int16: MemoryMarshal.Cast<byte, short>(b)[i] = unchecked((short)v); break;
            case DType.Int8: b[i] = unchecked((byte)(sbyte)v); break;
            case DType.UInt8: b[i] = unchecked((byte)v); break;
            case DType.Bool: b[i] = v != 0 ? (byte)1 : (byte)0; break;
            case DType.Float32 or DType.Float64 or DType.Float16 or DType.BFloat16: WriteDouble(storageIndex, v); break;
            default: throw new JitTypeException($"unsupported dtype {DType}");
        }
    }

    /// <summary>A new contiguous tensor with the same values (always a copy).</summary>
    public Tensor Clone()
    {
        var r = Empty(DType, _sizes);
        CopyTo(r);
        return r;
    }

    /// <summary>This tensor if already contiguous, else a contiguous copy.</summary>
    public Tensor Contiguous() => IsContiguous ? this : Clone();

    /// <summary>Copies the values into <paramref name="dst"/> of the same shape, converting dtype.</summary>
    public void CopyTo(Tensor dst)
    {
        if (!Sizes.SequenceEqual(dst.Sizes))
            throw new JitShapeException($"copy: shape [{string.Join(", ", _sizes)}] into [{string.Join(", ", dst._sizes)}]");
        bool asFloat = DType.IsFloatingPoint() || dst.DType.IsFloatingPoint();
        for (long i = 0; i < NumElements; i++)
        {
            if (asFloat) dst.SetDouble(i, GetDouble(i));
            else dst.SetLong(i, GetLong(i));
        }
    }

    /// <summary>The values as doubles in row-major order (tests and diagnostics).</summary>
    public double[] ToDoubleArray()
    {
        var r = new double[NumElements];
        for (long i = 0; i < r.Length; i++) r[i] = GetDouble(i);
        return r;
    }

    public long[] ToLongArray()
    {
        var r = new long[NumElements];
        for (long i = 0; i < r.Length; i++) r[i] = GetLong(i);
        return r;
    }
}
