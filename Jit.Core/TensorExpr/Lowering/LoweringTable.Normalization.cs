using Jit.Tensors;

namespace Jit.TensorExpr.Lowering;

// softmax and log_softmax (max-subtracted, as PyTorch computes them), layer_norm,
// native_layer_norm and group_norm: statistics are materialized, the normalization is inlined.
public static partial class LoweringTable
{
    private static void AddNormalization(Dictionary<string, LoweringFunction> t)
    {
        Add(t, (ctx, a) => Softmax(ctx, a[0], ctx.Int(a[1], "dim"), log: false), "aten::softmax.int", "aten::_softmax");
        Add(t, (ctx, a) => Softmax(ctx, a[0], ctx.Int(a[1], "dim"), log: true), "aten::log_softmax.int", "aten::_log_softmax");
        Add(t, (ctx, a) => LayerNorm(ctx, a).Out, "aten::layer_norm");
        Add(t, (ctx, a) =>
        {
            var r = LayerNorm(ctx, a);
            return LoweredValue.OfTuple(r.Out, r.Mean, r.Rstd);
        }, "aten::native_layer_norm");
        Add(t, GroupNorm, "aten::group_norm");
    }

    // m = max over dim; e = exp(x - m); softmax = e / sum(e); log_softmax = (x - m) - log(sum(e)).
    // The input is first converted to the output dtype (softmax's dtype argument).
    private static LoweredValue Softmax(LoweringContext ctx, LoweredValue x, long dimArg, bool log)
    {
        var t = ctx.OutputDType();
        var m = OpMath(t);
        if (x.Rank == 0)
        {
            // A 0-dim softmax is exp(x - x) / exp(x - x): 1 (log: 0), NaN for NaN or infinite x.
            return LoweredValue.Tensor(t, [], _ =>
            {
                var v = Expr.Cast(x.At([]), m) - Expr.Cast(x.At([]), m);
                return Expr.Cast(log ? v : Expr.Call(Intrinsic.Exp, v), t);
            });
        }
        int dim = ctx.WrapDim(dimArg, x.Rank);
        var xm = ctx.Share(LoweredValue.Tensor(m, x.Shape, i => Expr.Cast(Expr.Cast(x.At(i), t), m)));
        int[] dims = [dim];
        var max = ctx.Reduce(xm, dims, keepdim: true, Reducer.Max, m);
        Expr Shifted(IReadOnlyList<Expr> i) => xm.At(i) - max.At(KeepDimIndex(i, dims));
        var sum = ctx.Reduce(xm, dims, keepdim: true, Reducer.Sum, m, i => Expr.Call(Intrinsic.Exp, Shifted(i)));
        return LoweredValue.Tensor(t, x.Shape, i =>
        {
            var s = sum.At(KeepDimIndex(i, dims));
            var v = log ? Shifted(i) - Expr.Call(Intrinsic.Log, s) : Expr.Call(Intrinsic.Exp, Shifted(i)) / s;
            return Expr.Cast(v, t);
        });
    }

    // Over the last len(normalized_shape) dims: mean, biased variance (two passes), then
    // (x - mean) * rsqrt(var + eps) * weight + bias. Mean and rstd keep the reduced dims as 1.
    private static (LoweredValue Out, LoweredValue Mean, LoweredValue Rstd) LayerNorm(LoweringContext ctx, IReadOnlyList<LoweredValue> a)
    {
        var x = a[0];
        var normalized = ctx.Ints(a[1], "normalized_shape") ?? [];
        if (normalized.Length > x.Rank) throw new TeLoweringException($"{ctx.Node.Kind}: normalized_shape [{string.Join(", ", normalized)}] longer than the input's rank {x.Rank}");
        LoweredValue weight = a[2], bias = a[3];
        double eps = LoweringContext.Double(a[4]) ?? throw new TeLoweringException($"{ctx.Node.Kind}: eps must be a constant");
        var t = ctx.OutputDType();
        var m = OpMath(t);
        var dims = Enumerable.Range(x.Rank - normalized.Length, normalized.Length).ToArray();
        var xm = ctx.Share(LoweredValue.Tensor(m, x.Shape, i => Expr.Cast(x.At(i), m)));
        var n = Expr.Cast(LoweringContext.Count(x, dims), m);
        var sum = ctx.Reduce(xm, dims, keepdim: true, Reducer.Sum, m);
        var mean = ctx.Materialize(LoweredValue.Tensor(m, sum.Shape, i => sum.At(i) / n));
        var sq = ctx.Reduce(xm, dims, keepdim: true, Reducer.Sum, m, full =>
        {
            var dev = xm.At(full) - mean.At(KeepDimIndex(full, dims));
            return dev * dev;
        });
        var rstd = ctx.Materialize(LoweredValue.Tensor(m, sq.Shape, i => Expr.Call(Intrinsic.Rsqrt, sq.At(i) / n + Expr.Const(eps, m))));
        var output = LoweredValue.Tensor(t, x.Shape, i =>
        {
            var at = KeepDimIndex(i, dims);
            var v = (xm.At(i) - mean.At(at)) * rstd.At(at);
            if (!weight.IsNone) v = v * Expr.Cast(ctx.Broadcast(weight, i, x.Shape), m);
            if (!bias.IsNone) v = v + Expr.Cast(ctx.Broadcast(bias, i, x.Shape), m);
            return Expr.Cast(v, t);
        });
        return (output, Cast(mean, t), Cast(rstd, t));
    }

    private static LoweredValue Cast(LoweredValue v, DType t) =>
        v.DType == t ? v : LoweredValue.Tensor(t, v.Shape, i => Expr.Cast(v.At(i), t));

    // Input (N, C, *): statistics over each group of C / G channels and all spatial positions.
    private static LoweredValue GroupNorm(LoweringContext ctx, IReadOnlyList<LoweredValue> a)
    {
        var x = a[0];
        if (x.Rank < 2) throw new TeLoweringException($"{ctx.Node.Kind}: expected an input of at least 2 dims, got {x.Rank}");
        long groups = ctx.Int(a[1], "num_groups");
        if (groups <= 0) throw new TeLoweringException($"{ctx.Node.Kind}: num_groups must be positive, got {groups}");
        LoweredValue weight = a[2], bias = a[3];
        double eps = LoweringContext.Double(a[4]) ?? throw new TeLoweringException($"{ctx.Node.Kind}: eps must be a constant");
        var t = ctx.OutputDType();
        var m = OpMath(t);
        if (x.Shape[1] is IntImm c && c.Value % groups != 0)
            throw new TeLoweringException($"{ctx.Node.Kind}: {c.Value} channels are not divisible into {groups} groups");
        var perGroup = TeSimplifier.Simplify(x.Shape[1] / groups);
        var xm = ctx.Share(LoweredValue.Tensor(m, x.Shape, i => Expr.Cast(x.At(i), m)));
        Expr[] statShape = [x.Shape[0], Expr.Int(groups)];
        var redShape = new List<Expr> { perGroup };
        redShape.AddRange(x.Shape.Skip(2));
        Expr[] Element(IReadOnlyList<Expr> i, IReadOnlyList<Expr> r)
        {
            var full = new Expr[x.Rank];
            full[0] = i[0];
            full[1] = i[1] * perGroup + r[0];
            for (int d = 2; d < x.Rank; d++) full[d] = r[d - 1];
            return full;
        }
        var n = Expr.Cast(TeSimplifier.Simplify(redShape.Aggregate(Expr.Int(1) as Expr, (p, s) => p * s)), m);
        var sum = ctx.ReduceInto(statShape, redShape, Reducer.Sum, m, (i, r) => xm.At(Element(i, r)));
        var mean = ctx.Materialize(LoweredValue.Tensor(m, statShape, i => sum.At(i) / n));
        var sq = ctx.ReduceInto(statShape, redShape, Reducer.Sum, m, (i, r) =>
        {
            var dev = xm.At(Element(i, r)) - mean.At(i);
            return dev * dev;
        });
        var rstd = ctx.Materialize(LoweredValue.Tensor(m, statShape, i => Expr.Call(Intrinsic.Rsqrt, sq.At(i) / n + Expr.Const(eps, m))));
        return LoweredValue.Tensor(t, x.Shape, i =>
        {
            Expr[] at = [i[0], i[1] / perGroup];
            var v = (xm.At(i) - mean.At(at)) * rstd.At(at);
            if (!weight.IsNone) v = v * Expr.Cast(weight.At([i[1]]), m);
            if (!bias.IsNone) v = v + Expr.Cast(bias.At([i[1]]), m);
            return Expr.Cast(v, t);
        });
    }
}
