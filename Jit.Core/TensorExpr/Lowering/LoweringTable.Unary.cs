using Jit.Tensors;

namespace Jit.TensorExpr.Lowering;

// Pointwise math of one tensor, rounding, clamps, casts and copies, tril/triu, repeat.
public static partial class LoweringTable
{
    private static void AddUnary(Dictionary<string, LoweringFunction> t)
    {
        (string Name, Intrinsic Fn)[] calls =
        [
            ("exp", Intrinsic.Exp), ("log", Intrinsic.Log), ("log2", Intrinsic.Log2), ("log1p", Intrinsic.Log1p),
            ("expm1", Intrinsic.Expm1), ("sqrt", Intrinsic.Sqrt), ("rsqrt", Intrinsic.Rsqrt), ("sin", Intrinsic.Sin),
            ("cos", Intrinsic.Cos), ("tan", Intrinsic.Tan), ("tanh", Intrinsic.Tanh), ("erf", Intrinsic.Erf),
            ("sigmoid", Intrinsic.Sigmoid),
        ];
        foreach (var (name, fn) in calls) Add(t, Unary(x => Expr.Call(fn, x)), "aten::" + name);
        // Same-dtype ops that also take integers: the intrinsics are exact on them.
        (string Name, Intrinsic Fn)[] exact =
        [
            ("abs", Intrinsic.Abs), ("floor", Intrinsic.Floor), ("ceil", Intrinsic.Ceil), ("round", Intrinsic.Round), ("trunc", Intrinsic.Trunc),
        ];
        foreach (var (name, fn) in exact) Add(t, SameType(x => Expr.Call(fn, x)), "aten::" + name);
        Add(t, SameType(x => -x), "aten::neg");
        // (0 < x) - (x < 0), as PyTorch: NaN and -0.0 give +0.
        Add(t, SameType(x => Expr.Cast(Expr.Gt(x, Expr.Const(0, x.DType)), x.DType) - Expr.Cast(Expr.Lt(x, Expr.Const(0, x.DType)), x.DType)), "aten::sign");
        Add(t, Unary(x => 1.0 / x), "aten::reciprocal");
        Add(t, SharedUnary(x => x - Expr.Call(Intrinsic.Trunc, x)), "aten::frac");
        Add(t, RoundDecimals, "aten::round.decimals");
        Add(t, SameType(x => Expr.Max(x, Expr.Const(0, x.DType))), "aten::relu");
        Add(t, SameType(x => Expr.Min(Expr.Max(x, Expr.Const(0, x.DType)), Expr.Const(6, x.DType))), "aten::relu6");
        Add(t, Clamp, "aten::clamp", "aten::clamp.Tensor");
        Add(t, (ctx, a) => Clamp(ctx, [a[0], a[1], LoweredValue.OfConstant(Runtime.IValue.None)]), "aten::clamp_min", "aten::clamp_min.Tensor");
        Add(t, (ctx, a) => Clamp(ctx, [a[0], LoweredValue.OfConstant(Runtime.IValue.None), a[1]]), "aten::clamp_max", "aten::clamp_max.Tensor");
        Add(t, Clamp, "aten::hardtanh");
        // Conversions and copies: the registry's rule says the dtype (to.dtype, to.other, type_as...).
        Add(t, (ctx, a) => ctx.Pointwise(ctx.OutputDType(), [a[0]], e => e[0]),
            "aten::to.device", "aten::to.dtype", "aten::to.other", "aten::to.dtype_layout", "aten::to.prim_Device",
            "aten::to.prim_dtype", "aten::to.prim_other", "aten::_to_copy", "aten::type_as", "aten::clone");
        Add(t, Triangle(lower: true), "aten::tril");
        Add(t, Triangle(lower: false), "aten::triu");
        Add(t, Repeat, "aten::repeat");
    }

    /// <summary>An op computed in its input's own dtype (integers included).</summary>
    private static LoweringFunction SameType(Func<Expr, Expr> f) => (ctx, a) =>
    {
        var t = ctx.OutputDType();
        return ctx.Pointwise(t, [ctx.Share(a[0])], e => f(Expr.Cast(e[0], t)));
    };

    /// <summary>As <see cref="Unary"/> for an expression that reads its operand more than once.</summary>
    private static LoweringFunction SharedUnary(Func<Expr, Expr> f) => (ctx, a) => Unary(f)(ctx, [ctx.Share(a[0])]);

    // torch.round(x, decimals=d): nearbyint(x * 10^d) / 10^d, or nearbyint(x / 10^-d) * 10^-d for d < 0.
    private static LoweredValue RoundDecimals(LoweringContext ctx, IReadOnlyList<LoweredValue> a)
    {
        long d = ctx.Int(a[1], "decimals");
        var t = ctx.OutputDType();
        if (!t.IsFloatingPoint()) return ctx.Pointwise(t, [a[0]], e => e[0]);
        double pow = Math.Pow(10, Math.Abs(d));
        return ctx.Pointwise(t, [a[0]], e =>
        {
            var x = Expr.Cast(e[0], t);
            var p = Expr.Const(pow, t);
            return d >= 0 ? Expr.Call(Intrinsic.Round, x * p) / p : Expr.Call(Intrinsic.Round, x / p) * p;
        });
    }

    // min(max(x, lo), hi) in the output dtype; NaN stays NaN (Min/Max propagate it).
    private static LoweredValue Clamp(LoweringContext ctx, IReadOnlyList<LoweredValue> a)
    {
        var t = ctx.OutputDType();
        var operands = new List<LoweredValue> { a[0] };
        int lo = -1, hi = -1;
        if (!a[1].IsNone) { lo = operands.Count; operands.Add(a[1]); }
        if (!a[2].IsNone) { hi = operands.Count; operands.Add(a[2]); }
        if (lo < 0 && hi < 0) throw new TeLoweringException($"{ctx.Node.Kind}: at least one of min and max must be given");
        return ctx.Pointwise(t, operands, e =>
        {
            var x = Expr.Cast(e[0], t);
            if (lo >= 0) x = Expr.Max(x, Expr.Cast(e[lo], t));
            if (hi >= 0) x = Expr.Min(x, Expr.Cast(e[hi], t));
            return x;
        });
    }

    // tril keeps x[..., i, j] where j - i <= diagonal; triu where j - i >= diagonal; the rest is 0.
    private static LoweringFunction Triangle(bool lower) => (ctx, a) =>
    {
        var x = a[0];
        if (x.Rank < 2) throw new TeLoweringException($"{ctx.Node.Kind}: input must have at least 2 dims, got {x.Rank}");
        long diagonal = ctx.Int(a[1], "diagonal");
        var t = ctx.OutputDType();
        return LoweredValue.Tensor(t, x.Shape, i =>
        {
            var offset = i[^1] - i[^2];
            var keep = lower ? Expr.Le(offset, diagonal) : Expr.Ge(offset, diagonal);
            return Expr.Select(keep, Expr.Cast(x.At(i), t), Expr.Const(0, t));
        });
    };

    // x.repeat(r): out[i] = x[i % size] with x's dims aligned at the right of the repeats.
    private static LoweredValue Repeat(LoweringContext ctx, IReadOnlyList<LoweredValue> a)
    {
        var x = a[0];
        var reps = ctx.Ints(a[1], "repeats") ?? throw new TeLoweringException($"{ctx.Node.Kind}: repeats must be a constant list");
        if (reps.Length < x.Rank) throw new TeLoweringException($"{ctx.Node.Kind}: {reps.Length} repeats for a rank-{x.Rank} tensor");
        int lead = reps.Length - x.Rank;
        var shape = new Expr[reps.Length];
        for (int d = 0; d < reps.Length; d++)
            shape[d] = d < lead ? Expr.Int(reps[d]) : TeSimplifier.Simplify(x.Shape[d - lead] * reps[d]);
        return LoweredValue.Tensor(x.DType, shape, i =>
        {
            var idx = new Expr[x.Rank];
            for (int d = 0; d < x.Rank; d++)
                idx[d] = reps[lead + d] == 1 ? i[lead + d] : i[lead + d] % x.Shape[d];
            return x.At(idx);
        });
    }
}
