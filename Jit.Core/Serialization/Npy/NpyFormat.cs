using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Jit.Errors;
using Jit.Tensors;

namespace Jit.Serialization.Npy;

/// <summary>
/// NumPy <c>.npy</c> files, format versions 1.0-3.0, little-endian, C or Fortran order (NumPy
/// writes Fortran order for any F-contiguous array, such as a transposed result). Anything else
/// (big-endian, object arrays, structured or complex dtypes) is a clear <see cref="JitFormatException"/>.
/// </summary>
public static class NpyFormat
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static Tensor Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JitFormatException($"cannot read '{path}': {e.Message}");
        }
        try { return Read(bytes); }
        catch (JitFormatException e) { throw new JitFormatException($"{path}: {e.Message}", -1, e); }
    }

    public static Tensor Read(ReadOnlySpan<byte> data)
    {
        if (data.Length < 10 || !data[..6].SequenceEqual(Magic))
            throw new JitFormatException("not a .npy file: missing the \\x93NUMPY magic", 0);
        byte major = data[6], minor = data[7];
        if (major is < 1 or > 3 || minor != 0)
            throw new JitFormatException($"unsupported .npy format version {major}.{minor} (supported: 1.0, 2.0, 3.0)", 6);
        int headerStart;
        long headerLength;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
            headerStart = 10;
        }
        else
        {
            if (data.Length < 12) throw new JitFormatException(".npy file truncated inside its header length", 8);
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
            headerStart = 12;
        }
        if (headerStart + headerLength > data.Length)
            throw new JitFormatException($".npy header claims {headerLength} bytes but the file has {data.Length - headerStart} after the preamble", 8);
        var headerBytes = data.Slice(headerStart, (int)headerLength);
        string header;
        try
        {
            header = major == 3
                ? new UTF8Encoding(false, true).GetString(headerBytes)
                : Encoding.Latin1.GetString(headerBytes);
        }
        catch (DecoderFallbackException)
        {
            throw new JitFormatException(".npy header is not valid UTF-8", headerStart);
        }
        var (descr, fortran, shape) = NpyHeader.Parse(header, headerStart);
        var dtype = DTypeFromDescr(descr, headerStart);

        var t = Tensor.Empty(dtype, CheckedShape(shape, dtype, data.Length - headerStart - (int)headerLength, headerStart));
        long byteCount = t.NumElements * dtype.ElementSize();
        long dataStart = headerStart + headerLength;
        if (data.Length - dataStart != byteCount)
            throw new JitFormatException(
                $".npy data is {data.Length - dataStart} bytes but shape {ShapeUtil.Format(shape)} of {dtype.PythonName()} needs {byteCount}",
                dataStart);
        data.Slice((int)dataStart, (int)byteCount).CopyTo(t.Storage.Bytes.Span);
        if (dtype == DType.Bool)
        {
            var span = t.Storage.Bytes.Span;
            for (int i = 0; i < span.Length; i++)
                if (span[i] > 1) throw new JitFormatException($".npy bool array holds byte {span[i]} (expected 0 or 1)", dataStart + i);
        }
        return fortran ? FromFortranOrder(t) : t;
    }

    // The bytes were read as if C-ordered; view them column-major and copy into C order.
    private static Tensor FromFortranOrder(Tensor t)
    {
        var strides = new long[t.Rank];
        long s = 1;
        for (int d = 0; d < t.Rank; d++)
        {
            strides[d] = s;
            s *= Math.Max(t.Size(d), 1);
        }
        return t.AsStrided(t.Sizes, strides, 0).Clone();
    }

    // Checks the element count against the bytes actually present before anything is allocated.
    private static long[] CheckedShape(long[] shape, DType dtype, long available, long offset)
    {
        long n = 1;
        foreach (var s in shape)
        {
            if (s < 0) throw new JitFormatException($".npy shape {ShapeUtil.Format(shape)} has a negative size", offset);
            if (s != 0 && n > available / s)
                throw new JitFormatException($".npy shape {ShapeUtil.Format(shape)} needs more data than the file holds", offset);
            n *= s;
        }
        if (n * dtype.ElementSize() > available)
            throw new JitFormatException($".npy shape {ShapeUtil.Format(shape)} of {dtype.PythonName()} needs {n * dtype.ElementSize()} bytes but the file holds {available}", offset);
        return shape;
    }

    private static DType DTypeFromDescr(string descr, long offset)
    {
        if (descr.Length == 3 && descr[0] == '>' && descr[2] != '1')
            throw new JitFormatException($".npy dtype '{descr}' is big-endian; only little-endian is supported", offset);
        return descr switch
        {
            "<f4" or "=f4" => DType.Float32,
            "<f8" or "=f8" => DType.Float64,
            "<f2" or "=f2" => DType.Float16,
            "<i8" or "=i8" => DType.Int64,
            "<i4" or "=i4" => DType.Int32,
            "<i2" or "=i2" => DType.Int16,
            "|i1" or "<i1" or "=i1" or ">i1" => DType.Int8,
            "|u1" or "<u1" or "=u1" or ">u1" => DType.UInt8,
            "|b1" or "<b1" or "=b1" or ">b1" => DType.Bool,
            _ => throw new JitFormatException($".npy dtype '{descr}' is not supported (float16/32/64, int8/16/32/64, uint8, bool are)", offset),
        };
    }

    private static string DescrOf(DType t) => t switch
    {
        DType.Float32 => "<f4",
        DType.Float64 => "<f8",
        DType.Float16 => "<f2",
        DType.Int64 => "<i8",
        DType.Int32 => "<i4",
        DType.Int16 => "<i2",
        DType.Int8 => "|i1",
        DType.UInt8 => "|u1",
        DType.Bool => "|b1",
        _ => throw new JitTypeException($"{t.PythonName()} has no NumPy dtype; convert it (for example to float32) before writing .npy"),
    };

    public static void Write(string path, Tensor t)
    {
        try { File.WriteAllBytes(path, ToBytes(t)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JitException($"cannot write '{path}': {e.Message}");
        }
    }

    /// <summary>Format 1.0 (2.0 when the header needs it), header padded so data starts 64-byte aligned.</summary>
    public static byte[] ToBytes(Tensor t)
    {
        string descr = DescrOf(t.DType);
        var shape = t.Sizes.ToArray();
        string shapeText = shape.Length == 1
            ? $"({shape[0].ToString(CultureInfo.InvariantCulture)},)"
            : "(" + string.Join(", ", shape.Select(s => s.ToString(CultureInfo.InvariantCulture))) + ")";
        string dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shapeText}, }}";
        int preamble = 10;
        int total = preamble + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        bool v2 = padded - preamble > ushort.MaxValue;
        if (v2)
        {
            preamble = 12;
            total = preamble + dict.Length + 1;
            padded = (total + 63) / 64 * 64;
        }
        string header = dict + new string(' ', padded - total) + "\n";
        var c = t.Contiguous();
        int dataBytes = checked((int)(c.NumElements * c.DType.ElementSize()));
        var result = new byte[padded + dataBytes];
        Magic.CopyTo(result, 0);
        result[6] = v2 ? (byte)2 : (byte)1;
        result[7] = 0;
        if (v2) BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)header.Length);
        else BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), (ushort)header.Length);
        Encoding.Latin1.GetBytes(header, result.AsSpan(preamble));
        c.Storage.Bytes.Span.Slice((int)(c.StorageOffset * c.DType.ElementSize()), dataBytes).CopyTo(result.AsSpan(padded));
        return result;
    }
}
