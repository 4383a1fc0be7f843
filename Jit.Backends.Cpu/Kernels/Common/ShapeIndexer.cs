namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Walks every index of a shape in row-major order, keeping the element offsets of up to two
/// strided operands in step (no division per element). A rank-0 or empty-outer shape yields one
/// position; callers skip tensors with zero elements themselves.
/// </summary>
internal ref struct ShapeIndexer
{
    private readonly ReadOnlySpan<long> _sizes;
    private readonly ReadOnlySpan<long> _stridesA;
    private readonly ReadOnlySpan<long> _stridesB;
    private readonly Span<long> _index;

    public long OffsetA { get; private set; }
    public long OffsetB { get; private set; }

    public ShapeIndexer(ReadOnlySpan<long> sizes, ReadOnlySpan<long> stridesA, ReadOnlySpan<long> stridesB)
        : this(sizes, stridesA, stridesB, new long[sizes.Length]) { }

    /// <summary>Keeps the multi-index in <paramref name="index"/> (one long per dim, a caller's stack memory), so walking allocates nothing.</summary>
    public ShapeIndexer(ReadOnlySpan<long> sizes, ReadOnlySpan<long> stridesA, ReadOnlySpan<long> stridesB, Span<long> index)
    {
        _sizes = sizes;
        _stridesA = stridesA;
        _stridesB = stridesB;
        _index = index[..sizes.Length];
        _index.Clear();
        OffsetA = 0;
        OffsetB = 0;
    }

    public ShapeIndexer(ReadOnlySpan<long> sizes, ReadOnlySpan<long> strides) : this(sizes, strides, strides) { }

    /// <summary>The current multi-index (row-major position).</summary>
    public readonly ReadOnlySpan<long> Index => _index;

    /// <summary>Advances to the next index; false once every index was visited.</summary>
    public bool Next()
    {
        for (int d = _sizes.Length - 1; d >= 0; d--)
        {
            if (++_index[d] < _sizes[d])
            {
                OffsetA += _stridesA[d];
                OffsetB += _stridesB[d];
                return true;
            }
            OffsetA -= (_index[d] - 1) * _stridesA[d];
            OffsetB -= (_index[d] - 1) * _stridesB[d];
            _index[d] = 0;
        }
        return false;
    }
}
