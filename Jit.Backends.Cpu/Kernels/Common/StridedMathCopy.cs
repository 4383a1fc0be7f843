using System.Runtime.InteropServices;
using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Moves tensor elements between strided storage of any dtype and dense compute buffers of
/// <c>double</c> (every floating dtype: half and bfloat16 widen exactly) or <c>long</c> (integers
/// and bool). Math kernels gather their operands broadcast to the output shape, compute on flat
/// buffers and scatter the result, so only this class knows about strides and storage dtypes.
/// </summary>
internal static class StridedMathCopy
{
    /// <summary>Strides of <paramref name="t"/> seen through the broadcast to <paramref name="shape"/> (0 on broadcast dims).</summary>
    public static long[] BroadcastStrides(Tensor t, ReadOnlySpan<long> shape)
    {
        var r = new long[shape.Length];
        int lead = shape.Length - t.Rank;
        if (lead < 0)
            throw new JitShapeException($"cannot broadcast shape {ShapeUtil.Format(t.Sizes)} to {ShapeUtil.Format(shape)}");
        for (int d = 0; d < t.Rank; d++)
        {
            long s = t.Sizes[d];
            if (s == shape[d + lead]) r[d + lead] = s == 1 ? 0 : t.Strides[d];
            else if (s == 1) r[d + lead] = 0;
            else throw new JitShapeException($"cannot broadcast shape {ShapeUtil.Format(t.Sizes)} to {ShapeUtil.Format(shape)}");
        }
        return r;
    }

    public static long Numel(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (var s in shape) n = checked(n * s);
        return n;
    }

    /// <summary>Storage element index of every element of <paramref name="t"/> broadcast to <paramref name="shape"/>, row-major.</summary>
    public static int[] Offsets(Tensor t, ReadOnlySpan<long> shape)
    {
        var strides = BroadcastStrides(t, shape);
        var r = new int[Numel(shape)];
        if (r.Length == 0) return r;
        int rank = shape.Length;
        long inner = rank == 0 ? 1 : shape[rank - 1];
        long innerStride = rank == 0 ? 0 : strides[rank - 1];
        Span<long> idx = stackalloc long[Math.Max(rank, 1)];
        idx.Clear();
        long off = t.StorageOffset;
        int o = 0;
        while (o < r.Length)
        {
            long p = off;
            for (long i = 0; i < inner; i++, p += innerStride) r[o++] = (int)p;
            // Odometer over the outer dims.
            for (int d = rank - 2; d >= 0; d--)
            {
                off += strides[d];
                if (++idx[d] < shape[d]) break;
                off -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
        return r;
    }

    /// <summary>The elements of <paramref name="t"/>, broadcast to <paramref name="shape"/>, row-major, as doubles.</summary>
    public static double[] GatherDouble(Tensor t, ReadOnlySpan<long> shape)
    {
        var dst = new double[Numel(shape)];
        if (dst.Length == 0) return dst;
        if (t.DType == DType.Float32 && t.IsContiguous && t.Sizes.SequenceEqual(shape))
        {
            var s = t.ContiguousSpan<float>();
            for (int i = 0; i < dst.Length; i++) dst[i] = s[i];
            return dst;
        }
        var offs = Offsets(t, shape);
        var b = t.Storage.Bytes.Span;
        switch (t.DType)
        {
            case DType.Float32: { var s = MemoryMarshal.Cast<byte, float>(b); for (int i = 0; i < dst.Length; i++) dst[i] = s[offs[i]]; break; }
            case DType.Float64: { var s = MemoryMarshal.Cast<byte, double>(b); for (int i = 0; i < dst.Length; i++) dst[i] = s[offs[i]]; break; }
            case DType.Float16: { var s = MemoryMarshal.Cast<byte, Half>(b); for (int i = 0; i < dst.Length; i++) dst[i] = (double)s[offs[i]]; break; }
            case DType.BFloat16: { var s = MemoryMarshal.Cast<byte, ushort>(b); for (int i = 0; i < dst.Length; i++) dst[i] = BFloat16.ToSingle(s[offs[i]]); break; }
            default:
                {
                    var l = new long[dst.Length];
                    GatherIntegral(t, offs, l);
                    for (int i = 0; i < dst.Length; i++) dst[i] = l[i];
                    break;
                }
        }
        return dst;
    }

    /// <summary>
    /// Gathers and then converts each value to <paramref name="castTo"/>, as PyTorch casts every
    /// operand to the common dtype before computing (a float64 scalar rounds to float32, -1 becomes 255 in uint8).
    /// </summary>
    public static double[] GatherDouble(Tensor t, ReadOnlySpan<long> shape, DType castTo)
    {
        var v = GatherDouble(t, shape);
        if (t.DType != castTo) RoundTo(v, castTo);
        return v;
    }

    public static long[] GatherLong(Tensor t, ReadOnlySpan<long> shape, DType castTo)
    {
        var v = GatherLong(t, shape);
        if (t.DType != castTo) RoundTo(v, castTo);
        return v;
    }

    /// <summary>Rounds doubles to the values <paramref name="t"/> can hold (float32, half, bfloat16; integers truncate).</summary>
    public static void RoundTo(Span<double> v, DType t)
    {
        if (t == DType.Float64) return;
        for (int i = 0; i < v.Length; i++) v[i] = RoundTo(v[i], t);
    }

    /// <summary>Wraps longs to the range of <paramref name="t"/> as C casts do (bool: != 0).</summary>
    public static void RoundTo(Span<long> v, DType t)
    {
        if (t == DType.Int64) return;
        for (int i = 0; i < v.Length; i++) v[i] = RoundTo(v[i], t);
    }

    /// <summary>One value of <see cref="RoundTo(Span{double}, DType)"/>.</summary>
    public static double RoundTo(double v, DType t) =>
        t.IsFloatingPoint() ? ScalarMath.RoundTo(t, v)
        : t == DType.Bool ? (v != 0 ? 1 : 0)
        : RoundTo(double.IsNaN(v) ? 0 : (long)v, t);

    /// <summary>One value of <see cref="RoundTo(Span{long}, DType)"/>.</summary>
    public static long RoundTo(long v, DType t) => ScalarMath.Wrap(t, v);

    /// <summary>As <see cref="GatherDouble"/>, as longs; floating values truncate toward zero, as C casts do.</summary>
    public static long[] GatherLong(Tensor t, ReadOnlySpan<long> shape)
    {
        var dst = new long[Numel(shape)];
        if (dst.Length == 0) return dst;
        if (t.DType.IsFloatingPoint())
        {
            var d = GatherDouble(t, shape);
            for (int i = 0; i < dst.Length; i++) dst[i] = double.IsNaN(d[i]) ? 0 : (long)d[i];
            return dst;
        }
        GatherIntegral(t, Offsets(t, shape), dst);
        return dst;
    }

    private static void GatherIntegral(Tensor t, int[] offs, long[] dst)
    {
        var b = t.Storage.Bytes.Span;
        switch (t.DType)
        {
            case DType.Int64: { var s = MemoryMarshal.Cast<byte, long>(b); for (int i = 0; i < dst.Length; i++) dst[i] = s[offs[i]]; break; }
            case DType.Int32: { var s = MemoryMarshal.Cast<byte, int>(b); for (int i = 0; i < dst.Length; i++) dst[i] = s[offs[i]]; break; }
            case DType.Int16: { var s = MemoryMarshal.Cast<byte, short>(b); for (int i = 0; i < dst.Length; i++) dst[i] = s[offs[i]]; break; }
            case DType.Int8: { for (int i = 0; i < dst.Length; i++) dst[i] = (sbyte)b[offs[i]]; break; }
            case DType.UInt8: { for (int i = 0; i < dst.Length; i++) dst[i] = b[offs[i]]; break; }
            case DType.Bool: { for (int i = 0; i < dst.Length; i++) dst[i] = b[offs[i]] != 0 ? 1 : 0; break; }
            default: throw new JitTypeException($"unsupported dtype {t.DType}");
        }
    }

    /// <summary>
    /// Writes row-major <paramref name="src"/> into <paramref name="t"/> (any strides), converting as
    /// PyTorch casts: floating to integer truncates toward zero then wraps to the width, anything to
    /// bool is <c>!= 0</c>, half and bfloat16 round from float32 (PyTorch's CPU kernels compute them in float32).
    /// </summary>
    public static void Scatter(ReadOnlySpan<double> src, Tensor t)
    {
        CheckCount(src.Length, t);
        if (src.Length == 0) return;
        if (!t.DType.IsFloatingPoint() && t.DType != DType.Bool)
        {
            var l = new long[src.Length];
            for (int i = 0; i < l.Length; i++) l[i] = double.IsNaN(src[i]) ? 0 : (long)src[i];
            Scatter(l, t);
            return;
        }
        var b = t.Storage.Bytes.Span;
        if (t.DType == DType.Float32 && t.IsContiguous)
        {
            var s = t.ContiguousSpan<float>();
            for (int i = 0; i < src.Length; i++) s[i] = (float)src[i];
            return;
        }
        var offs = Offsets(t, t.Sizes);
        switch (t.DType)
        {
            case DType.Float32: { var s = MemoryMarshal.Cast<byte, float>(b); for (int i = 0; i < src.Length; i++) s[offs[i]] = (float)src[i]; break; }
            case DType.Float64: { var s = MemoryMarshal.Cast<byte, double>(b); for (int i = 0; i < src.Length; i++) s[offs[i]] = src[i]; break; }
            case DType.Float16: { var s = MemoryMarshal.Cast<byte, Half>(b); for (int i = 0; i < src.Length; i++) s[offs[i]] = (Half)(float)src[i]; break; }
            case DType.BFloat16: { var s = MemoryMarshal.Cast<byte, ushort>(b); for (int i = 0; i < src.Length; i++) s[offs[i]] = BFloat16.FromSingle((float)src[i]); break; }
            case DType.Bool: { for (int i = 0; i < src.Length; i++) b[offs[i]] = src[i] != 0 ? (byte)1 : (byte)0; break; }
            default: throw new JitTypeException($"unsupported dtype {t.DType}");
        }
    }

    /// <summary>Writes row-major integers into <paramref name="t"/>; narrower integer dtypes wrap as C casts do.</summary>
    public static void Scatter(ReadOnlySpan<long> src, Tensor t)
    {
        CheckCount(src.Length, t);
        if (src.Length == 0) return;
        if (t.DType.IsFloatingPoint())
        {
            var d = new double[src.Length];
            for (int i = 0; i < d.Length; i++) d[i] = src[i];
            Scatter(d, t);
            return;
        }
        var offs = Offsets(t, t.Sizes);
        var b = t.Storage.Bytes.Span;
        switch (t.DType)
        {
            case DType.Int64: { var s = MemoryMarshal.Cast<byte, long>(b); for (int i = 0; i < src.Length; i++) s[offs[i]] = src[i]; break; }
            case DType.Int32: { var s = MemoryMarshal.Cast<byte, int>(b); for (int i = 0; i < src.Length; i++) s[offs[i]] = unchecked((int)src[i]); break; }
            case DType.Int16: { var s = MemoryMarshal.Cast<byte, short>(b); for (int i = 0; i < src.Length; i++) s[offs[i]] = unchecked((short)src[i]); break; }
            case DType.Int8 or DType.UInt8: { for (int i = 0; i < src.Length; i++) b[offs[i]] = unchecked((byte)src[i]); break; }
            case DType.Bool: { for (int i = 0; i < src.Length; i++) b[offs[i]] = src[i] != 0 ? (byte)1 : (byte)0; break; }
            default: throw new JitTypeException($"unsupported dtype {t.DType}");
        }
    }

    /// <summary>A new contiguous tensor of <paramref name="dtype"/> holding <paramref name="values"/>.</summary>
    public static Tensor ToTensor(ReadOnlySpan<double> values, DType dtype, ReadOnlySpan<long> shape)
    {
        var t = Tensor.Empty(dtype, shape);
        Scatter(values, t);
        return t;
    }

    public static Tensor ToTensor(ReadOnlySpan<long> values, DType dtype, ReadOnlySpan<long> shape)
    {
        var t = Tensor.Empty(dtype, shape);
        Scatter(values, t);
        return t;
    }

    private static void CheckCount(int n, Tensor t)
    {
        if (n != t.NumElements)
            throw new JitShapeException($"cannot write {n} values into a tensor of shape {ShapeUtil.Format(t.Sizes)}");
    }
}
