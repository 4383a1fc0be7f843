using Jit.Runtime;
using Jit.Tensors;

namespace Jit.TensorExpr.Lowering;

// Reductions over given dims (keepdim, dtype): sum, prod, mean, amax/amin, max/min (with
// indices), any/all, argmax/argmin, var/std, logsumexp.
public static partial class LoweringTable
{
    private static void AddReductions(Dictionary<string, LoweringFunction> t)
    {
        Add(t, (ctx, a) => SumProd(ctx, a[0], None, false, Reducer.Sum), "aten::sum");
        Add(t, (ctx, a) => SumProd(ctx, a[0], None, false, Reducer.Prod), "aten::prod");
        Add(t, (ctx, a) => SumProd(ctx, a[0], a[1], ctx.Bool(a[2], "keepdim"), Reducer.Sum), "aten::sum.dim_IntList");
        Add(t, (ctx, a) => SumProd(ctx, a[0], a[1], ctx.Bool(a[2], "keepdim"), Reducer.Prod), "aten::prod.dim_int");
        Add(t, (ctx, a) => Mean(ctx, a[0], None, false), "aten::mean");
        Add(t, (ctx, a) => Mean(ctx, a[0], a[1], ctx.Bool(a[2], "keepdim")), "aten::mean.dim");
        Add(t, (ctx, a) => Extreme(ctx, a[0], a[1], ctx.Bool(a[2], "keepdim"), Reducer.Max), "aten::amax");
        Add(t, (ctx, a) => Extreme(ctx, a[0], a[1], ctx.Bool(a[2], "keepdim"), Reducer.Min), "aten::amin");
        Add(t, (ctx, a) => Extreme(ctx, a[0], None, false, Reducer.Max), "aten::max");
        Add(t, (ctx, a) => Extreme(ctx, a[0], None, false, Reducer.Min), "aten::min");
        Add(t, (ctx, a) => ExtremeDim(ctx, a, max: true), "aten::max.dim");
        Add(t, (ctx, a) => ExtremeDim(ctx, a, max: false), "aten::min.dim");
        Add(t, (ctx, a) => ArgExtreme(ctx, a, max: true), "aten::argmax");
        Add(t, (ctx, a) => ArgExtreme(ctx, a, max: false), "aten::argmin");
        Add(t, (ctx, a) => AnyAll(ctx, a[0], None, false, Reducer.Any), "aten::any");
        Add(t, (ctx, a) => AnyAll(ctx, a[0], a[1], ctx.Bool(a[2], "keepdim"), Reducer.Any), "aten::any.dim");
        Add(t, (ctx, a) => AnyAll(ctx, a[0], None, false, Reducer.All), "aten::all");
        Add(t, (ctx, a) => AnyAll(ctx, a[0], a[1], ctx.Bool(a[2], "keepdim"), Reducer.All), "aten::all.dim");
        Add(t, (ctx, a) => Variance(ctx, a[0], None, ctx.Bool(a[1], "unbiased") ? 1 : 0, false, sqrt: false), "aten::var");
        Add(t, (ctx, a) => Variance(ctx, a[0], None, ctx.Bool(a[1], "unbiased") ? 1 : 0, false, sqrt: true), "aten::std");
        Add(t, (ctx, a) => Variance(ctx, a[0], a[1], ctx.Bool(a[2], "unbiased") ? 1 : 0, ctx.Bool(a[3], "keepdim"), sqrt: false), "aten::var.dim");
        Add(t, (ctx, a) => Variance(ctx, a[0], a[1], ctx.Bool(a[2], "unbiased") ? 1 : 0, ctx.Bool(a[3], "keepdim"), sqrt: true), "aten::std.dim");
        Add(t, (ctx, a) => Variance(ctx, a[0], a[1], a[2].IsNone ? 1 : ctx.Int(a[2], "correction"), ctx.Bool(a[3], "keepdim"), sqrt: false), "aten::var.correction");
        Add(t, (ctx, a) => Variance(ctx, a[0], a[1], a[2].IsNone ? 1 : ctx.Int(a[2], "correction"), ctx.Bool(a[3], "keepdim"), sqrt: true), "aten::std.correction");
        Add(t, LogSumExp, "aten::logsumexp");
    }

    private static readonly LoweredValue None = LoweredValue.OfConstant(IValue.None);

    // The input converted to the output dtype (sum(dtype=...) converts first), accumulated in
    // opmath: float32 for half types, as PyTorch does.
    private static LoweredValue SumProd(LoweringContext ctx, LoweredValue x, LoweredValue dim, bool keepdim, Reducer r)
    {
        var t = ctx.OutputDType();
        var dims = ctx.ReduceDims(dim, x.Rank);
        return ctx.Reduce(x, dims, keepdim, r, t, i => Expr.Cast(x.At(i), t), OpMath(t));
    }

    private static LoweredValue Mean(LoweringContext ctx, LoweredValue x, LoweredValue dim, bool keepdim)
    {
        var t = ctx.OutputDType();
        var m = OpMath(t);
        var dims = ctx.ReduceDims(dim, x.Rank);
        var sum = ctx.Reduce(x, dims, keepdim, Reducer.Sum, m, i => Expr.Cast(x.At(i), m));
        var n = Expr.Cast(LoweringContext.Count(x, dims), m);
        return LoweredValue.Tensor(t, sum.Shape, i => Expr.Cast(sum.At(i) / n, t));
    }

    private static LoweredValue Extreme(LoweringContext ctx, LoweredValue x, LoweredValue dim, bool keepdim, Reducer r)
    {
        var t = ctx.OutputDType();
        return ctx.Reduce(x, ctx.ReduceDims(dim, x.Rank), keepdim, r, t, i => Expr.Cast(x.At(i), t));
    }

    private static LoweredValue AnyAll(LoweringContext ctx, LoweredValue x, LoweredValue dim, bool keepdim, Reducer r)
    {
        var t = ctx.OutputDType();
        var b = ctx.Reduce(x, ctx.ReduceDims(dim, x.Rank), keepdim, r, DType.Bool, i => Expr.Cast(x.At(i), DType.Bool));
        return t == DType.Bool ? b : LoweredValue.Tensor(t, b.Shape, i => Expr.Cast(b.At(i), t));
    }

    // (values, indices) over one dim: the extreme, then the first index holding it (NaN counts
    // as the extreme, as in PyTorch).
    private static LoweredValue ExtremeDim(LoweringContext ctx, IReadOnlyList<LoweredValue> a, bool max)
    {
        var x = a[0];
        int dim = x.Rank == 0 ? 0 : ctx.WrapDim(ctx.Int(a[1], "dim"), x.Rank);
        bool keepdim = ctx.Bool(a[2], "keepdim");
        var (values, indices) = ArgReduce(ctx, x, x.Rank == 0 ? [] : [dim], keepdim, max);
        return LoweredValue.OfTuple(values, indices);
    }

    private static LoweredValue ArgExtreme(LoweringContext ctx, IReadOnlyList<LoweredValue> a, bool max)
    {
        var x = a[0];
        bool keepdim = ctx.Bool(a[2], "keepdim");
        if (a[1].IsNone)
        {
            // Over the flattened tensor: the linear (row-major) index; keepdim keeps every dim as 1.
            var all = Enumerable.Range(0, x.Rank).ToArray();
            return ArgReduce(ctx, x, all, keepdim, max).Indices;
        }
        int dim = ctx.WrapDim(ctx.Int(a[1], "dim"), x.Rank);
        return ArgReduce(ctx, x, x.Rank == 0 ? [] : [dim], keepdim, max).Indices;
    }

    private static (LoweredValue Values, LoweredValue Indices) ArgReduce(LoweringContext ctx, LoweredValue x, int[] dims, bool keepdim, bool max)
    {
        var m = ctx.Reduce(x, dims, keepdim: true, max ? Reducer.Max : Reducer.Min, x.DType);
        var strides = new Expr[x.Rank];
        Expr acc = Expr.Int(1);
        foreach (var d in dims.OrderDescending())
        {
            strides[d] = acc;
            acc = TeSimplifier.Simplify(acc * x.Shape[d]);
        }
        var indices = ctx.Reduce(x, dims, keepdim, Reducer.Min, DType.Int64, full =>
        {
            var at = KeepDimIndex(full, dims);
            var v = x.At(full);
            Expr hit = Expr.Eq(v, m.At(at));
            if (x.DType.IsFloatingPoint()) hit = Expr.Or(hit, Expr.Call(Intrinsic.IsNan, v));
            Expr linear = Expr.Int(0);
            foreach (var d in dims) linear = linear + full[d] * strides[d];
            return Expr.Select(hit, linear, Expr.Int(long.MaxValue));
        });
        return (keepdim ? m : Squeeze(m, dims), indices);
    }

    // The index into a keepdim reduction's result for the input position `full`: reduced dims read 0.
    private static Expr[] KeepDimIndex(IReadOnlyList<Expr> full, int[] dims)
    {
        var at = full.ToArray();
        foreach (var d in dims) at[d] = Expr.Int(0);
        return at;
    }

    // A keepdim result seen without its (size-1) reduced dims.
    private static LoweredValue Squeeze(LoweredValue v, int[] dims) =>
        LoweredValue.Tensor(v.DType, v.Shape.Where((_, d) => !dims.Contains(d)).ToArray(), i =>
        {
            var idx = new Expr[v.Rank];
            int k = 0;
            for (int d = 0; d < v.Rank; d++) idx[d] = dims.Contains(d) ? Expr.Int(0) : i[k++];
            return v.At(idx);
        });

    // Two passes, as PyTorch: mean, then sum((x - mean)^2) / max(0, n - correction).
    private static LoweredValue Variance(LoweringContext ctx, LoweredValue x, LoweredValue dim, long correction, bool keepdim, bool sqrt)
    {
        var t = ctx.OutputDType();
        var m = OpMath(t);
        var dims = ctx.ReduceDims(dim, x.Rank);
        var n = Expr.Cast(LoweringContext.Count(x, dims), m);
        var sum = ctx.Reduce(x, dims, keepdim: true, Reducer.Sum, m, i => Expr.Cast(x.At(i), m));
        var sq = ctx.Reduce(x, dims, keepdim, Reducer.Sum, m, full =>
        {
            var dev = Expr.Cast(x.At(full), m) - sum.At(KeepDimIndex(full, dims)) / n;
            return dev * dev;
        });
        var divisor = Expr.Max(n - Expr.Const(correction, m), Expr.Const(0, m));
        return LoweredValue.Tensor(t, sq.Shape, i =>
        {
            var v = sq.At(i) / divisor;
            return Expr.Cast(sqrt ? Expr.Call(Intrinsic.Sqrt, v) : v, t);
        });
    }

    // PyTorch: m = amax(x, dims, keepdim=True) with infinities replaced by 0;
    // log(sum(exp(x - m))) + m. The replacement also covers an empty reduction (m = -inf).
    private static LoweredValue LogSumExp(LoweringContext ctx, IReadOnlyList<LoweredValue> a)
    {
        var x = a[0];
        var t = ctx.OutputDType();
        var dims = ctx.ReduceDims(a[1], x.Rank);
        bool keepdim = ctx.Bool(a[2], "keepdim");
        var xt = LoweredValue.Tensor(t, x.Shape, i => Expr.Cast(x.At(i), t));
        var max = ctx.Reduce(xt, dims, keepdim: true, Reducer.Max, t);
        Expr Shift(IReadOnlyList<Expr> at)
        {
            var v = max.At(at);
            return Expr.Select(Expr.Eq(Expr.Call(Intrinsic.Abs, v), double.PositiveInfinity), Expr.Const(0, t), v);
        }
        var sum = ctx.Reduce(xt, dims, keepdim: true, Reducer.Sum, t, full => Expr.Call(Intrinsic.Exp, xt.At(full) - Shift(KeepDimIndex(full, dims))));
        var r = LoweredValue.Tensor(t, sum.Shape, i => Expr.Call(Intrinsic.Log, sum.At(i)) + Shift(i));
        return keepdim ? r : Squeeze(r, dims);
    }
}
