using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Common.StridedMathArgs;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// Reductions: sum, mean, prod, amax/amin, max/min (full and with indices), argmax/argmin, cumsum,
/// var/std. Floating values accumulate in double, integers in long (int and bool sums give int64).
/// </summary>
internal static class ReductionKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::sum", (i, o) => o[0] = SumLike("sum", i[0].AsTensor, IValue.None, false, i[1], prod: false));
        t.Add("aten::sum.dim_IntList", (i, o) => o[0] = SumLike("sum", i[0].AsTensor, i[1], i[2].AsBool, i[3], prod: false));
        t.Add("aten::prod", (i, o) => o[0] = SumLike("prod", i[0].AsTensor, IValue.None, false, i[1], prod: true));
        t.Add("aten::prod.dim_int", (i, o) => o[0] = SumLike("prod", i[0].AsTensor, i[1], i[2].AsBool, i[3], prod: true));
        t.Add("aten::mean", (i, o) => o[0] = Mean(i[0].AsTensor, IValue.None, false, i[1]));
        t.Add("aten::mean.dim", (i, o) => o[0] = Mean(i[0].AsTensor, i[1], i[2].AsBool, i[3]));
        t.Add("aten::amax", (i, o) => o[0] = Extreme("amax", i[0].AsTensor, i[1], i[2].AsBool, max: true).Values);
        t.Add("aten::amin", (i, o) => o[0] = Extreme("amin", i[0].AsTensor, i[1], i[2].AsBool, max: false).Values);
        t.Add("aten::max", (i, o) => o[0] = Extreme("max", i[0].AsTensor, IValue.None, false, max: true).Values);
        t.Add("aten::min", (i, o) => o[0] = Extreme("min", i[0].AsTensor, IValue.None, false, max: false).Values);
        t.Add("aten::max.dim", (i, o) => MaxMinDim("max", i, o, max: true));
        t.Add("aten::min.dim", (i, o) => MaxMinDim("min", i, o, max: false));
        t.Add("aten::argmax", (i, o) => o[0] = ArgExtreme("argmax", i[0].AsTensor, i[1], i[2].AsBool, max: true));
        t.Add("aten::argmin", (i, o) => o[0] = ArgExtreme("argmin", i[0].AsTensor, i[1], i[2].AsBool, max: false));
        t.Add("aten::all", (i, o) => o[0] = AnyAll(i[0].AsTensor, IValue.None, false, all: true));
        t.Add("aten::all.dim", (i, o) => o[0] = AnyAll(i[0].AsTensor, i[1], i[2].AsBool, all: true));
        t.Add("aten::any", (i, o) => o[0] = AnyAll(i[0].AsTensor, IValue.None, false, all: false));
        t.Add("aten::any.dim", (i, o) => o[0] = AnyAll(i[0].AsTensor, i[1], i[2].AsBool, all: false));
        t.Add("aten::cumsum", (i, o) => o[0] = Cumsum(i[0].AsTensor, i[1].AsInt, i[2]));
        t.Add("aten::var", (i, o) => o[0] = Variance("var", i[0].AsTensor, IValue.None, i[1].AsBool ? 1 : 0, false, sqrt: false));
        t.Add("aten::var.dim", (i, o) => o[0] = Variance("var", i[0].AsTensor, i[1], i[2].AsBool ? 1 : 0, i[3].AsBool, sqrt: false));
        t.Add("aten::var.correction", (i, o) => o[0] = Variance("var", i[0].AsTensor, i[1], i[2].IsNone ? 1 : i[2].AsInt, i[3].AsBool, sqrt: false));
        t.Add("aten::std", (i, o) => o[0] = Variance("std", i[0].AsTensor, IValue.None, i[1].AsBool ? 1 : 0, false, sqrt: true));
        t.Add("aten::std.dim", (i, o) => o[0] = Variance("std", i[0].AsTensor, i[1], i[2].AsBool ? 1 : 0, i[3].AsBool, sqrt: true));
        t.Add("aten::std.correction", (i, o) => o[0] = Variance("std", i[0].AsTensor, i[1], i[2].IsNone ? 1 : i[2].AsInt, i[3].AsBool, sqrt: true));
    }

    /// <summary>Casts <paramref name="t"/> to <paramref name="dtype"/> when it differs (a reduction's dtype= argument).</summary>
    private static Tensor CastTo(Tensor t, DType dtype) =>
        t.DType == dtype ? t : CastKernels.Convert(t, dtype);

    private static Tensor SumLike(string op, Tensor x, IValue dim, bool keepdim, IValue dtype, bool prod)
    {
        var outType = OptDType(dtype, op) ?? (x.DType.IsIntegral(includeBool: true) ? DType.Int64 : x.DType);
        var rows = new StridedMathRows(CastTo(x, outType), ReduceDims(dim, x.Rank, op));
        var shape = rows.OutShape(keepdim);
        if (outType.IsFloatingPoint())
        {
            var v = rows.GatherDouble();
            var r = new double[rows.Outer];
            for (long k = 0; k < rows.Outer; k++)
            {
                double acc = prod ? 1 : 0;
                for (long j = k * rows.Inner; j < (k + 1) * rows.Inner; j++) acc = prod ? acc * v[j] : acc + v[j];
                r[k] = acc;
            }
            return StridedMathCopy.ToTensor(r, outType, shape);
        }
        var vl = rows.GatherLong();
        var rl = new long[rows.Outer];
        for (long k = 0; k < rows.Outer; k++)
        {
            long acc = prod ? 1 : 0;
            for (long j = k * rows.Inner; j < (k + 1) * rows.Inner; j++) acc = unchecked(prod ? acc * vl[j] : acc + vl[j]);
            rl[k] = acc;
        }
        return StridedMathCopy.ToTensor(rl, outType, shape);
    }

    // PyTorch 1.13 keeps uint8 for all/any of a uint8 tensor; every other dtype gives bool.
    private static Tensor AnyAll(Tensor x, IValue dim, bool keepdim, bool all)
    {
        var rows = new StridedMathRows(x, ReduceDims(dim, x.Rank, all ? "all" : "any"));
        var shape = rows.OutShape(keepdim);
        var v = rows.GatherDouble();
        var r = new long[rows.Outer];
        for (long k = 0; k < rows.Outer; k++)
        {
            bool acc = all;
            for (long j = k * rows.Inner; j < (k + 1) * rows.Inner && acc == all; j++) acc = v[j] != 0;
            r[k] = acc ? 1 : 0;
        }
        return StridedMathCopy.ToTensor(r, x.DType == DType.UInt8 ? DType.UInt8 : DType.Bool, shape);
    }

    private static Tensor Mean(Tensor x, IValue dim, bool keepdim, IValue dtype)
    {
        var outType = OptDType(dtype, "mean") ?? x.DType;
        if (!outType.IsFloatingPoint())
            throw new JitTypeException(
                $"mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {outType.IrName()}");
        var rows = new StridedMathRows(CastTo(x, outType), ReduceDims(dim, x.Rank, "mean"));
        var v = rows.GatherDouble();
        var r = new double[rows.Outer];
        for (long k = 0; k < rows.Outer; k++)
        {
            double acc = 0;
            for (long j = k * rows.Inner; j < (k + 1) * rows.Inner; j++) acc += v[j];
            r[k] = acc / rows.Inner;
        }
        return StridedMathCopy.ToTensor(r, outType, rows.OutShape(keepdim));
    }

    private readonly record struct ExtremeResult(Tensor Values, Tensor Indices);

    /// <summary>Max or min over dims with the index of the first extreme; NaN wins (and propagates) as in PyTorch.</summary>
    private static ExtremeResult Extreme(string op, Tensor x, IValue dim, bool keepdim, bool max)
    {
        var rows = new StridedMathRows(x, ReduceDims(dim, x.Rank, op));
        if (rows.Inner == 0)
        {
            throw new JitRuntimeException(dim.IsNone && (op is "max" or "min")
                ? $"{op}(): expected reduction dim to be specified for input.numel() == 0 (input shape {ShapeUtil.Format(x.Sizes)})"
                : $"{op}(): expected reduction dim to have non-zero size (input shape {ShapeUtil.Format(x.Sizes)})");
        }
        var shape = rows.OutShape(keepdim);
        var idx = new long[rows.Outer];
        if (x.DType.IsFloatingPoint())
        {
            var v = rows.GatherDouble();
            var r = new double[rows.Outer];
            for (long k = 0; k < rows.Outer; k++)
            {
                long b = k * rows.Inner, best = b;
                for (long j = b + 1; j < b + rows.Inner && !double.IsNaN(v[best]); j++)
                {
                    if (Beats(v[j], v[best], max)) best = j;
                }
                r[k] = v[best];
                idx[k] = best - b;
            }
            return new(StridedMathCopy.ToTensor(r, x.DType, shape), StridedMathCopy.ToTensor(idx, DType.Int64, shape));
        }
        var vl = rows.GatherLong();
        var rl = new long[rows.Outer];
        for (long k = 0; k < rows.Outer; k++)
        {
            long b = k * rows.Inner, best = b;
            for (long j = b + 1; j < b + rows.Inner; j++)
            {
                if (Beats(vl[j], vl[best], max)) best = j;
            }
            rl[k] = vl[best];
            idx[k] = best - b;
        }
        return new(StridedMathCopy.ToTensor(rl, x.DType, shape), StridedMathCopy.ToTensor(idx, DType.Int64, shape));
    }

    /// <summary>Whether <paramref name="v"/> replaces the extreme so far: strictly beyond it (so the first extreme keeps its index), or NaN.</summary>
    internal static bool Beats(double v, double best, bool max) => double.IsNaN(v) || (max ? v > best : v < best);

    internal static bool Beats(long v, long best, bool max) => max ? v > best : v < best;

    private static void MaxMinDim(string op, ReadOnlySpan<IValue> i, Span<IValue> o, bool max)
    {
        var x = i[0].AsTensor;
        WrapDim(i[1].AsInt, x.Rank, op);
        var r = Extreme(op, x, IValue.FromInt(i[1].AsInt), i[2].AsBool, max);
        o[0] = r.Values;
        o[1] = r.Indices;
    }

    private static Tensor ArgExtreme(string op, Tensor x, IValue dim, bool keepdim, bool max)
    {
        if (!dim.IsNone) return Extreme(op, x, dim, keepdim, max).Indices;
        // dim=None: over the flattened tensor; keepdim keeps every dim as size 1.
        var dense = x.Contiguous();
        var flat = dense.AsStrided([x.NumElements], [1L], dense.StorageOffset);
        var idx = Extreme(op, flat, IValue.FromInt(0), false, max).Indices;
        if (!keepdim) return idx;
        var ones = Enumerable.Repeat(1L, x.Rank).ToArray();
        return idx.AsStrided(ones, new long[x.Rank], idx.StorageOffset);
    }

    private static Tensor Cumsum(Tensor x, long dimArg, IValue dtype)
    {
        var outType = OptDType(dtype, "cumsum") ?? (x.DType.IsIntegral(includeBool: true) ? DType.Int64 : x.DType);
        int dim = WrapDim(dimArg, x.Rank, "cumsum");
        var src = CastTo(x, outType);
        var rows = new StridedMathRows(src, x.Rank == 0 ? [] : [dim]);
        var result = Tensor.Empty(outType, x.Sizes);
        if (outType.IsFloatingPoint())
        {
            var v = rows.GatherDouble();
            for (long k = 0; k < rows.Outer; k++)
                for (long j = k * rows.Inner + 1; j < (k + 1) * rows.Inner; j++) v[j] += v[j - 1];
            rows.Scatter(v, result);
        }
        else
        {
            var v = rows.GatherLong();
            for (long k = 0; k < rows.Outer; k++)
                for (long j = k * rows.Inner + 1; j < (k + 1) * rows.Inner; j++) v[j] = unchecked(v[j] + v[j - 1]);
            rows.Scatter(v, result);
        }
        return result;
    }

    private static Tensor Variance(string op, Tensor x, IValue dim, long correction, bool keepdim, bool sqrt)
    {
        if (!x.DType.IsFloatingPoint())
            throw new JitTypeException($"{op}: std and var only support floating point and complex dtypes, got {x.DType.IrName()}");
        var rows = new StridedMathRows(x, ReduceDims(dim, x.Rank, op));
        var v = rows.GatherDouble();
        var r = new double[rows.Outer];
        for (long k = 0; k < rows.Outer; k++)
        {
            long b = k * rows.Inner;
            double mean = 0;
            for (long j = b; j < b + rows.Inner; j++) mean += v[j];
            mean /= rows.Inner;
            double ss = 0;
            for (long j = b; j < b + rows.Inner; j++) ss += (v[j] - mean) * (v[j] - mean);
            double var = ss / Math.Max(0, rows.Inner - correction);
            r[k] = sqrt ? Math.Sqrt(var) : var;
        }
        return StridedMathCopy.ToTensor(r, x.DType, rows.OutShape(keepdim));
    }
}
