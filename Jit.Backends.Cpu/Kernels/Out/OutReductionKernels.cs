using System.Buffers;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Out.OutSupport;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// Out-variants of reductions. sum and mean over dims (and over everything) for float32 without a
/// dtype argument: one pass over the input in storage order adds each element to its output's
/// double accumulator, so every output sums its elements in the same order as the ordinary kernel.
/// sum of other dtypes, all/any and argmax/argmin over a dim: each output walks its row (the
/// reduced dims, row-major) as the kernels' gathered rows order it, reading elements in place.
/// </summary>
internal static class OutReductionKernels
{
    private const int MaxRank = 16;

    public static void Register(KernelTable t)
    {
        Add(t, "aten::sum", (i, o) => i[1].IsNone && (Reduce(i[0].AsTensor, IValue.None, mean: false, o) || Sum(i[0].AsTensor, IValue.None, o)));
        Add(t, "aten::sum.dim_IntList", (i, o) => i[3].IsNone && (Reduce(i[0].AsTensor, i[1], mean: false, o) || Sum(i[0].AsTensor, i[1], o)));
        Add(t, "aten::mean", (i, o) => i[1].IsNone && Reduce(i[0].AsTensor, IValue.None, mean: true, o));
        Add(t, "aten::mean.dim", (i, o) => i[3].IsNone && Reduce(i[0].AsTensor, i[1], mean: true, o));
        foreach (var (name, all) in new[] { ("aten::all", true), ("aten::any", false) })
            Add(t, name, (i, o) => IsAllAnyType(i[0].AsTensor, o) && Rows(i[0].AsTensor, IValue.None, o, new AllAny(all)));
        foreach (var (name, all) in new[] { ("aten::all.dim", true), ("aten::any.dim", false) })
            Add(t, name, (i, o) => IsAllAnyType(i[0].AsTensor, o) && Rows(i[0].AsTensor, i[1], o, new AllAny(all)));
        // dim=None (the flattened tensor) is left to the kernel.
        foreach (var (name, max) in new[] { ("aten::argmax", true), ("aten::argmin", false) })
            Add(t, name, (i, o) => i[1].IsInt && o.DType == DType.Int64 && Rows(i[0].AsTensor, i[1], o, new ArgExtreme(max, i[0].AsTensor.DType.IsFloatingPoint())));
    }

    // all/any give bool, but uint8 for a uint8 input (as PyTorch 1.13).
    private static bool IsAllAnyType(Tensor x, Tensor y) => y.DType == (x.DType == DType.UInt8 ? DType.UInt8 : DType.Bool);

    /// <summary>Marks the dims an <c>int[]?</c> or <c>int</c> argument reduces; false where the kernel must report an error.</summary>
    private static bool ReducedDims(IValue dims, int rank, Span<bool> reduced)
    {
        reduced.Clear();
        if (dims.IsNone || (dims.IsList && dims.AsList.Count == 0))
        {
            reduced.Fill(true);
            return true;
        }
        if (dims.IsInt) return MarkDim(dims.AsInt, rank, reduced);
        if (!dims.IsList) return false;
        foreach (var d in dims.AsList.Items)
            if (!MarkDim(d.AsInt, rank, reduced)) return false;
        return true;
    }

    private static bool MarkDim(long v, int rank, Span<bool> reduced)
    {
        if (v < -rank || v >= rank) return false;
        int k = (int)(v < 0 ? v + rank : v);
        if (reduced[k]) return false; // a repeated dim: the kernel reports it
        reduced[k] = true;
        return true;
    }

    private static bool Reduce(Tensor x, IValue dims, bool mean, Tensor y)
    {
        int rank = x.Rank;
        if (!IsF32(x) || !IsF32(y) || rank > MaxRank || x.NumElements == 0) return false;
        Span<bool> reduced = stackalloc bool[Math.Max(rank, 1)];
        if (!ReducedDims(dims, rank, reduced)) return false;
        // The output's stride for each input dim (0 where the dim is reduced).
        Span<long> outStride = stackalloc long[Math.Max(rank, 1)];
        long s = 1, count = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            if (reduced[d]) { outStride[d] = 0; count *= x.Sizes[d]; }
            else { outStride[d] = s; s *= x.Sizes[d]; }
        }
        if (y.NumElements != s) return false;
        var xs = F32(x);
        var ys = F32(y);
        if (SuffixReduced(reduced, rank))
        {
            // Each output reduces one contiguous run: the same storage order, without the odometer.
            for (int k = 0; k < ys.Length; k++)
            {
                double a = 0;
                foreach (float v in xs.Slice((int)(k * count), (int)count)) a += v;
                ys[k] = (float)(mean ? a / count : a);
            }
            return true;
        }
        var acc = ArrayPool<double>.Shared.Rent((int)s);
        try
        {
            acc.AsSpan(0, (int)s).Clear();
            Span<long> idx = stackalloc long[Math.Max(rank, 1)];
            idx.Clear();
            long o = 0;
            for (int k = 0; k < xs.Length; k++)
            {
                acc[o] += xs[k];
                // Odometer step over the input's dims, moving the output index along.
                for (int d = rank - 1; d >= 0; d--)
                {
                    idx[d]++;
                    o += outStride[d];
                    if (idx[d] < x.Sizes[d]) break;
                    o -= outStride[d] * idx[d];
                    idx[d] = 0;
                }
            }
            for (int k = 0; k < ys.Length; k++) ys[k] = (float)(mean ? acc[k] / count : acc[k]);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(acc);
        }
        return true;
    }

    private static bool SuffixReduced(ReadOnlySpan<bool> reduced, int rank)
    {
        int d = rank;
        while (d > 0 && reduced[d - 1]) d--;
        for (int k = 0; k < d; k++) if (reduced[k]) return false;
        return true;
    }

    /// <summary>sum of a dtype the float32 path does not take: integers and bool add up in int64, floating values in double.</summary>
    private static bool Sum(Tensor x, IValue dims, Tensor y)
    {
        var outType = x.DType.IsIntegral(includeBool: true) ? DType.Int64 : x.DType;
        return y.DType == outType && Rows(x, dims, y, new SumRow(outType.IsFloatingPoint()));
    }

    /// <summary>What one output computes from its row: started, fed the row's elements in order (false: the rest cannot change it), then written.</summary>
    private interface IRowReducer
    {
        void Start();
        bool Add(Tensor x, long storageIndex, long position);
        void Write(Tensor y, long storageIndex);
    }

    /// <summary>
    /// Runs <paramref name="row"/> over every output: the kept dims row-major give the outputs in
    /// order, the reduced dims row-major each output's row, as StridedMathRows orders them.
    /// </summary>
    private static bool Rows<TRow>(Tensor x, IValue dims, Tensor y, TRow row) where TRow : struct, IRowReducer
    {
        int rank = x.Rank;
        if (rank > MaxRank || x.NumElements == 0 || !y.IsContiguous || !Common.StridedMathInto.Handles(x.DType)
            || !Common.StridedMathInto.Handles(y.DType)) return false;
        Span<bool> reduced = stackalloc bool[Math.Max(rank, 1)];
        if (!ReducedDims(dims, rank, reduced)) return false;
        Span<long> outerSizes = stackalloc long[rank], outerStrides = stackalloc long[rank];
        Span<long> innerSizes = stackalloc long[rank], innerStrides = stackalloc long[rank];
        int no = 0, ni = 0;
        long outputs = 1;
        for (int d = 0; d < rank; d++)
        {
            if (reduced[d]) (innerSizes[ni], innerStrides[ni++]) = (x.Sizes[d], x.Strides[d]);
            else
            {
                (outerSizes[no], outerStrides[no++]) = (x.Sizes[d], x.Strides[d]);
                outputs *= x.Sizes[d];
            }
        }
        if (y.NumElements != outputs) return false;
        var outer = new Common.ShapeIndexer(outerSizes[..no], outerStrides[..no], outerStrides[..no], stackalloc long[no]);
        Span<long> innerIndex = stackalloc long[ni];
        long k = y.StorageOffset;
        do
        {
            row.Start();
            var inner = new Common.ShapeIndexer(innerSizes[..ni], innerStrides[..ni], innerStrides[..ni], innerIndex);
            long position = 0;
            while (row.Add(x, x.StorageOffset + outer.OffsetA + inner.OffsetA, position++) && inner.Next()) { }
            row.Write(y, k++);
        } while (outer.Next());
        return true;
    }

    private struct SumRow(bool floating) : IRowReducer
    {
        private double _sum;
        private long _sumL;

        public void Start() => (_sum, _sumL) = (0, 0);

        public bool Add(Tensor x, long i, long position)
        {
            if (floating) _sum += x.ReadDouble(i);
            else _sumL = unchecked(_sumL + x.ReadLong(i));
            return true;
        }

        public readonly void Write(Tensor y, long i)
        {
            if (floating) y.WriteDouble(i, _sum);
            else y.WriteLong(i, _sumL);
        }
    }

    // Truthiness in double (NaN is true); the row stops at the first deciding element.
    private struct AllAny(bool all) : IRowReducer
    {
        private bool _acc;

        public void Start() => _acc = all;

        public bool Add(Tensor x, long i, long position)
        {
            _acc = x.ReadDouble(i) != 0;
            return _acc == all;
        }

        public readonly void Write(Tensor y, long i) => y.WriteLong(i, _acc ? 1 : 0);
    }

    // The position of the first extreme; a NaN wins and ends the row: the kernel's rule (ReductionKernels.Beats).
    private struct ArgExtreme(bool max, bool floating) : IRowReducer
    {
        private double _best;
        private long _bestL, _index;

        public void Start() => _index = -1;

        public bool Add(Tensor x, long i, long position)
        {
            if (floating)
            {
                double v = x.ReadDouble(i);
                if (_index < 0 || ReductionKernels.Beats(v, _best, max)) (_best, _index) = (v, position);
                return !double.IsNaN(_best);
            }
            long l = x.ReadLong(i);
            if (_index < 0 || ReductionKernels.Beats(l, _bestL, max)) (_bestL, _index) = (l, position);
            return true;
        }

        public readonly void Write(Tensor y, long i) => y.WriteLong(i, _index);
    }
}
