using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The math drivers' arithmetic written straight into a destination, element by element and
/// without gather buffers, so out-variants of any dtype allocate nothing. The conversions are
/// <see cref="StridedMathCopy"/>'s: operands read as double (floating) or long (integers, bool) and
/// rounded to the compute dtype, results cast to the destination's dtype. Half and bfloat16 are
/// left to the kernels (their results round through float32 on the way out).
/// </summary>
internal static class StridedMathInto
{
    /// <summary>The dtypes these drivers read and write exactly as the gathering drivers do.</summary>
    public static bool Handles(DType t) => t is DType.Float32 or DType.Float64 or DType.Int64 or DType.Int32
        or DType.Int16 or DType.Int8 or DType.UInt8 or DType.Bool;

    /// <summary>
    /// The storage strides of an operand broadcast to <paramref name="shape"/> (0 on broadcast dims,
    /// all 0 for a number), into <paramref name="strides"/>; false when it does not broadcast to
    /// exactly that shape or is of a dtype left to the kernels.
    /// </summary>
    public static bool BroadcastStrides(IValue v, ReadOnlySpan<long> shape, Span<long> strides)
    {
        strides.Clear();
        if (v.IsInt || v.IsDouble || v.IsBool) return true;
        if (!v.IsTensor || !Handles(v.AsTensor.DType)) return false;
        var t = v.AsTensor;
        int lead = shape.Length - t.Rank;
        if (lead < 0) return false;
        for (int d = 0; d < t.Rank; d++)
        {
            long s = t.Sizes[d];
            if (s == shape[lead + d]) strides[lead + d] = s == 1 ? 0 : t.Strides[d];
            else if (s != 1) return false;
        }
        return true;
    }

    /// <summary>Whether in every dim some operand is as large as <paramref name="shape"/> (so it is their broadcast shape, not a larger one).</summary>
    public static bool SpansShape(ReadOnlySpan<long> shape, ReadOnlySpan<IValue> operands)
    {
        for (int d = 0; d < shape.Length; d++)
        {
            bool spanned = shape[d] == 1;
            foreach (var v in operands) spanned |= Size(v, d, shape.Length) == shape[d];
            if (!spanned) return false;
        }
        return true;
    }

    private static long Size(IValue v, int d, int rank)
    {
        if (!v.IsTensor) return 1;
        int k = d - (rank - v.AsTensor.Rank);
        return k < 0 ? 1 : v.AsTensor.Sizes[k];
    }

    /// <summary>The element at storage index <paramref name="offset"/> past a tensor's start, or the number, as a double.</summary>
    public static double ReadDouble(IValue v, long offset) => v.Tag switch
    {
        IValueTag.Tensor => v.AsTensor.ReadDouble(v.AsTensor.StorageOffset + offset),
        IValueTag.Double => v.AsDouble,
        IValueTag.Bool => v.AsBool ? 1 : 0,
        _ => v.AsInt,
    };

    /// <summary>As <see cref="ReadDouble"/>, for integers and bool (never floating values).</summary>
    public static long ReadLong(IValue v, long offset) => v.Tag switch
    {
        IValueTag.Tensor => v.AsTensor.ReadLong(v.AsTensor.StorageOffset + offset),
        IValueTag.Bool => v.AsBool ? 1 : 0,
        _ => v.AsInt,
    };

    // The dtype an operand is gathered in before rounding to the compute dtype (a number's own kind).
    private static DType DTypeOf(IValue v) => v.Tag switch
    {
        IValueTag.Tensor => v.AsTensor.DType,
        IValueTag.Double => DType.Float64,
        IValueTag.Bool => DType.Bool,
        _ => DType.Int64,
    };

    /// <summary>
    /// <c>y = f(a, b)</c> over <paramref name="y"/>'s shape, a and b (tensors or numbers) broadcast to
    /// it and cast to <paramref name="compute"/>, as <see cref="StridedMathElementwise.Binary"/>
    /// computes it; false (nothing written) for a layout or dtype it leaves to the kernel.
    /// </summary>
    public static bool Binary(IValue a, IValue b, DType compute, Tensor y, Func<double, double, double> f, Func<long, long, long> i)
    {
        int rank = y.Rank;
        if (!y.IsContiguous || !Handles(y.DType) || !Handles(compute) || !SpansShape(y.Sizes, [a, b])) return false;
        Span<long> sa = stackalloc long[rank], sb = stackalloc long[rank];
        if (!BroadcastStrides(a, y.Sizes, sa) || !BroadcastStrides(b, y.Sizes, sb)) return false;
        if (y.NumElements == 0) return true;
        bool roundA = DTypeOf(a) != compute, roundB = DTypeOf(b) != compute;
        var it = new ShapeIndexer(y.Sizes, sa, sb, stackalloc long[rank]);
        long k = y.StorageOffset;
        if (compute.IsFloatingPoint())
        {
            do
            {
                double x = ReadDouble(a, it.OffsetA), z = ReadDouble(b, it.OffsetB);
                if (roundA) x = StridedMathCopy.RoundTo(x, compute);
                if (roundB) z = StridedMathCopy.RoundTo(z, compute);
                y.WriteDouble(k++, f(x, z));
            } while (it.Next());
            return true;
        }
        do
        {
            long x = ReadLong(a, it.OffsetA), z = ReadLong(b, it.OffsetB);
            if (roundA) x = StridedMathCopy.RoundTo(x, compute);
            if (roundB) z = StridedMathCopy.RoundTo(z, compute);
            y.WriteLong(k++, i(x, z));
        } while (it.Next());
        return true;
    }
}
