using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Common.StridedMathArgs;
using static Jit.Backends.Cpu.Kernels.Out.OutSupport;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// Out-variants of the elementwise ops on any dtype the drivers handle exactly (integer and bool
/// tensors included): comparisons, bitwise ops, remainder, floor_divide, where and masked_fill,
/// with the ordinary kernels' own formulas, written in place by <see cref="StridedMathInto"/>.
/// </summary>
internal static class OutElementwiseKernels
{
    // The kernels' formulas as delegates made once (the op name goes into the zero-division error).
    private static readonly Func<double, double, double> FloatRemainder = MathBinaryKernels.FloatRemainder;
    private static readonly Func<long, long, long> Remainder = (x, y) => MathBinaryKernels.IntRemainder("remainder", x, y);
    private static readonly Func<double, double, double> FloatFloorDivide = MathBinaryKernels.FloatFloorDivide;
    private static readonly Func<long, long, long> FloorDivide = (x, y) => MathBinaryKernels.IntFloorDivide("floor_divide", x, y);
    private static readonly Func<double, double, double> NoFloat = (_, _) => 0;

    public static void Register(KernelTable t)
    {
        foreach (var (op, f, i) in MathComparisonKernels.Comparisons)
            foreach (var name in new[] { $"aten::{op}.Tensor", $"aten::{op}.Scalar" })
                Add(t, name, (inp, y) => y.DType == DType.Bool && StridedMathInto.Binary(inp[0], inp[1], ResultType(inp[0], inp[1]), y, f, i));
        // Bitwise ops on floating operands are an error the kernel reports.
        foreach (var (op, dunder, i) in MathComparisonKernels.Bitwise)
            foreach (var name in MathComparisonKernels.BitwiseOverloads(op, dunder))
                Add(t, name, (inp, y) => !y.DType.IsFloatingPoint() && Same(inp, y, NoFloat, i));
        foreach (var name in new[] { "aten::remainder.Tensor", "aten::remainder.Scalar", "aten::remainder.Scalar_Tensor" })
            Add(t, name, (inp, y) => Same(inp, y, FloatRemainder, Remainder));
        foreach (var name in new[] { "aten::floor_divide", "aten::floor_divide.Scalar" })
            Add(t, name, (inp, y) => Same(inp, y, FloatFloorDivide, FloorDivide));
        Add(t, "aten::where.self", (inp, y) => Where(inp[0], inp[1], inp[2], y));
        Add(t, "aten::masked_fill.Scalar", (inp, y) => MaskedFill(inp[0], inp[1], inp[2], y));
    }

    // An op computing in, and returning, the promoted dtype of its two operands.
    private static bool Same(ReadOnlySpan<IValue> inp, Tensor y, Func<double, double, double> f, Func<long, long, long> i)
    {
        var common = ResultType(inp[0], inp[1]);
        return y.DType == common && StridedMathInto.Binary(inp[0], inp[1], common, y, f, i);
    }

    // where(cond, self, other): the chosen value, cast to the promoted dtype, as the kernel selects.
    private static bool Where(IValue cond, IValue a, IValue b, Tensor y)
    {
        if (!cond.IsTensor || cond.AsTensor.DType is not (DType.Bool or DType.UInt8)) return false;
        if (!y.IsContiguous || !StridedMathInto.Handles(y.DType) || y.DType != ResultType(a, b)) return false;
        int rank = y.Rank;
        Span<long> sc = stackalloc long[rank], sa = stackalloc long[rank], sb = stackalloc long[rank];
        if (!StridedMathInto.SpansShape(y.Sizes, [cond, a, b]) || !StridedMathInto.BroadcastStrides(cond, y.Sizes, sc)
            || !StridedMathInto.BroadcastStrides(a, y.Sizes, sa) || !StridedMathInto.BroadcastStrides(b, y.Sizes, sb)) return false;
        if (y.NumElements == 0) return true;
        // Two walks in step: (cond, self) and other.
        var first = new ShapeIndexer(y.Sizes, sc, sa, stackalloc long[rank]);
        var second = new ShapeIndexer(y.Sizes, sb, sb, stackalloc long[rank]);
        bool floating = y.DType.IsFloatingPoint();
        long k = y.StorageOffset;
        do
        {
            bool pick = StridedMathInto.ReadLong(cond, first.OffsetA) != 0;
            if (floating) y.WriteDouble(k++, pick ? StridedMathInto.ReadDouble(a, first.OffsetB) : StridedMathInto.ReadDouble(b, second.OffsetA));
            else y.WriteLong(k++, pick ? StridedMathInto.ReadLong(a, first.OffsetB) : StridedMathInto.ReadLong(b, second.OffsetA));
            second.Next();
        } while (first.Next());
        return true;
    }

    // masked_fill(self, mask, number): the number cast to self's dtype where the mask is set.
    // float32 self of the result's shape, contiguous, and a bool mask broadcast any way (an
    // attention mask over the batch, a padding mask over the heads): row by row of the last dim,
    // a whole row filled or copied where the mask repeats along it. The general loop below reads
    // and writes one element at a time through doubles, about 12 ns each.
    private static void MaskedFillRows(ReadOnlySpan<float> x, Tensor mask, ReadOnlySpan<long> maskStrides, float fill, Tensor y)
    {
        var output = y.ContiguousSpan<float>();
        var m = mask.StorageSpan<byte>();
        int rank = y.Rank;
        int inner = (int)y.Sizes[rank - 1];
        long innerStride = maskStrides[rank - 1];
        Span<long> index = stackalloc long[rank];
        long maskRow = mask.StorageOffset;
        for (int row = 0; row < output.Length; row += inner)
        {
            var src = x.Slice(row, inner);
            var dst = output.Slice(row, inner);
            if (innerStride == 0)
            {
                if (m[(int)maskRow] != 0) dst.Fill(fill);
                else src.CopyTo(dst);
            }
            else
            {
                for (int j = 0; j < inner; j++) dst[j] = m[(int)(maskRow + j * innerStride)] != 0 ? fill : src[j];
            }
            // The next row's mask offset: an odometer over the outer dims.
            for (int d = rank - 2; d >= 0; d--)
            {
                maskRow += maskStrides[d];
                if (++index[d] < y.Sizes[d]) break;
                maskRow -= index[d] * maskStrides[d];
                index[d] = 0;
            }
        }
    }

    private static bool MaskedFill(IValue self, IValue mask, IValue value, Tensor y)
    {
        if (!self.IsTensor || !mask.IsTensor || mask.AsTensor.DType != DType.Bool || value.IsTensor) return false;
        var dtype = self.AsTensor.DType;
        if (!y.IsContiguous || y.DType != dtype || !StridedMathInto.Handles(dtype)) return false;
        int rank = y.Rank;
        Span<long> ss = stackalloc long[rank], sm = stackalloc long[rank];
        if (!StridedMathInto.SpansShape(y.Sizes, [self, mask]) || !StridedMathInto.BroadcastStrides(self, y.Sizes, ss)
            || !StridedMathInto.BroadcastStrides(mask, y.Sizes, sm)) return false;
        if (y.NumElements == 0) return true;
        double fill = StridedMathCopy.RoundTo(StridedMathInto.ReadDouble(value, 0), dtype);
        if (dtype == DType.Float32 && rank > 0 && self.AsTensor.IsContiguous && self.AsTensor.Sizes.SequenceEqual(y.Sizes))
        {
            MaskedFillRows(self.AsTensor.ContiguousSpan<float>(), mask.AsTensor, sm, (float)fill, y);
            return true;
        }
        var it = new ShapeIndexer(y.Sizes, ss, sm, stackalloc long[rank]);
        long k = y.StorageOffset;
        do
        {
            bool set = StridedMathInto.ReadLong(mask, it.OffsetB) != 0;
            if (dtype.IsFloatingPoint()) y.WriteDouble(k++, set ? fill : StridedMathInto.ReadDouble(self, it.OffsetA));
            else y.WriteLong(k++, set ? (long)fill : StridedMathInto.ReadLong(self, it.OffsetA));
        } while (it.Next());
        return true;
    }
}
