using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// A tensor's elements in row-major order, as doubles (floating dtypes) or longs (integers and
/// bool), so selection ops (sort, nonzero, indexing) can move elements of any dtype without
/// losing precision.
/// </summary>
internal sealed class ElementBuffer
{
    private readonly double[]? _d;
    private readonly long[]? _l;

    public ElementBuffer(Tensor t) : this(t, t.Sizes) { }

    public ElementBuffer(Tensor t, ReadOnlySpan<long> shape)
    {
        DType = t.DType;
        if (t.DType.IsFloatingPoint()) _d = StridedMathCopy.GatherDouble(t, shape);
        else _l = StridedMathCopy.GatherLong(t, shape);
    }

    private ElementBuffer(DType dtype, long n)
    {
        DType = dtype;
        if (dtype.IsFloatingPoint()) _d = new double[n];
        else _l = new long[n];
    }

    public DType DType { get; }
    public long Length => _d?.LongLength ?? _l!.LongLength;

    public double this[long i] => _d != null ? _d[i] : _l![i];

    public bool IsNonZero(long i) => _d != null ? _d[i] != 0 : _l![i] != 0;

    /// <summary>A new buffer of <paramref name="n"/> elements of the same dtype.</summary>
    public ElementBuffer Like(long n) => new(DType, n);

    public void CopyElement(long from, ElementBuffer dst, long to)
    {
        if (_d != null) dst._d![to] = _d[from];
        else dst._l![to] = _l![from];
    }

    /// <summary>Sets element <paramref name="to"/> to a number, cast as PyTorch casts a fill value.</summary>
    public void Set(long to, double value)
    {
        if (_d != null) _d[to] = value;
        else _l![to] = DType == DType.Bool ? (value != 0 ? 1 : 0) : (long)value;
    }

    public void AddElement(long from, ElementBuffer dst, long to)
    {
        if (_d != null) dst._d![to] += _d[from];
        else dst._l![to] = DType == DType.Bool ? dst._l![to] | _l![from] : unchecked(dst._l![to] + _l![from]);
    }

    /// <summary>Elements <paramref name="picks"/> (row-major indices into this buffer) as a new tensor of <paramref name="shape"/>.</summary>
    public Tensor Pick(ReadOnlySpan<long> picks, ReadOnlySpan<long> shape)
    {
        var r = Like(picks.Length);
        for (int k = 0; k < picks.Length; k++) CopyElement(picks[k], r, k);
        return r.ToTensor(shape);
    }

    public Tensor ToTensor(ReadOnlySpan<long> shape) =>
        _d != null ? StridedMathCopy.ToTensor(_d, DType, shape) : StridedMathCopy.ToTensor(_l!, DType, shape);

    /// <summary>Writes the buffer back into <paramref name="t"/> (same element count, any strides).</summary>
    public void ScatterInto(Tensor t)
    {
        if (_d != null) StridedMathCopy.Scatter(_d, t);
        else StridedMathCopy.Scatter(_l!, t);
    }

    /// <summary>Scatters into <paramref name="t"/> through the row layout of <paramref name="rows"/>.</summary>
    public void ScatterRows(StridedMathRows rows, Tensor t)
    {
        if (_d != null) rows.Scatter(_d, t);
        else rows.Scatter(_l!, t);
    }

    /// <summary>Ascending order with NaN above everything, as PyTorch sorts.</summary>
    public int Compare(long a, long b)
    {
        if (_l != null) return _l[a].CompareTo(_l[b]);
        double x = _d![a], y = _d[b];
        if (double.IsNaN(x)) return double.IsNaN(y) ? 0 : 1;
        return double.IsNaN(y) ? -1 : x.CompareTo(y);
    }
}
