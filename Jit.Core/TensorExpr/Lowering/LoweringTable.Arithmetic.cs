using Jit.Tensors;

namespace Jit.TensorExpr.Lowering;

// Binary arithmetic (with alpha), division modes, remainder, pow, min/max, addcmul/addcdiv,
// where and masked_fill.
public static partial class LoweringTable
{
    private static void AddArithmetic(Dictionary<string, LoweringFunction> t)
    {
        Add(t, AddSub(reversed: false, sign: 1), "aten::add.Tensor", "aten::add.Scalar");
        Add(t, AddSub(reversed: false, sign: -1), "aten::sub.Tensor", "aten::sub.Scalar");
        Add(t, AddSub(reversed: true, sign: -1), "aten::rsub.Tensor", "aten::rsub.Scalar");
        Add(t, Binary((x, y) => x * y), "aten::mul.Tensor", "aten::mul.Scalar");
        Add(t, Binary((x, y) => x / y), "aten::div.Tensor", "aten::div.Scalar");
        Add(t, DivMode, "aten::div.Tensor_mode", "aten::div.Scalar_mode");
        Add(t, (ctx, a) => FloorDivide(ctx, a[0], a[1]), "aten::floor_divide", "aten::floor_divide.Scalar");
        Add(t, Binary((x, y) => Expr.Call(Intrinsic.Remainder, x, y)), "aten::remainder.Tensor", "aten::remainder.Scalar", "aten::remainder.Scalar_Tensor");
        Add(t, Binary((x, y) => Expr.Call(Intrinsic.Fmod, x, y)), "aten::fmod.Tensor", "aten::fmod.Scalar");
        Add(t, Binary((x, y) => Expr.Call(Intrinsic.Pow, x, y)), "aten::pow.Tensor_Tensor", "aten::pow.Tensor_Scalar", "aten::pow.Scalar");
        Add(t, Binary(Expr.Max), "aten::maximum", "aten::max.other");
        Add(t, Binary(Expr.Min), "aten::minimum", "aten::min.other");
        Add(t, AddcOp(divide: false), "aten::addcmul");
        Add(t, AddcOp(divide: true), "aten::addcdiv");
        Add(t, Where, "aten::where.self", "aten::where.ScalarOther", "aten::where.ScalarSelf", "aten::where.Scalar");
        Add(t, MaskedFill, "aten::masked_fill.Scalar", "aten::masked_fill.Tensor");
    }

    // self + sign * alpha * other; rsub is other - alpha * self.
    private static LoweringFunction AddSub(bool reversed, int sign) => (ctx, a) =>
    {
        var t = ctx.OutputDType();
        var (x, y) = reversed ? (a[1], a[0]) : (a[0], a[1]);
        bool unitAlpha = LoweringContext.Double(a[2]) == 1;
        var alpha = unitAlpha ? null : ctx.Scalar(a[2], t);
        return ctx.Pointwise(t, [x, y], e =>
        {
            var p = Expr.Cast(e[0], t);
            var q = Expr.Cast(e[1], t);
            if (alpha is not null) q = q * alpha;
            return sign > 0 ? p + q : p - q;
        });
    };

    private static LoweredValue DivMode(LoweringContext ctx, IReadOnlyList<LoweredValue> a)
    {
        var mode = LoweringContext.String(a[2]);
        if (a[2].IsNone) return Binary((x, y) => x / y)(ctx, a);
        return mode switch
        {
            "trunc" => Binary((x, y) => x.DType.IsFloatingPoint() ? Expr.Call(Intrinsic.Trunc, x / y) : x / y)(ctx, a),
            "floor" => FloorDivide(ctx, a[0], a[1]),
            _ => throw new TeLoweringException($"{ctx.Node.Kind}: rounding_mode must be None, 'trunc' or 'floor', got {a[2]}"),
        };
    }

    // Integers: Python's //. Floats: PyTorch's div_floor_floating, fmod based so that it agrees
    // with remainder, and a / b when b is 0.
    private static LoweredValue FloorDivide(LoweringContext ctx, LoweredValue x, LoweredValue y)
    {
        var t = ctx.OutputDType();
        if (!t.IsFloatingPoint()) return ctx.Pointwise(t, [x, y], e => Expr.Call(Intrinsic.FloorDiv, Expr.Cast(e[0], t), Expr.Cast(e[1], t)));
        return ctx.Pointwise(t, [ctx.Share(x), ctx.Share(y)], e =>
        {
            Expr p = Expr.Cast(e[0], t), q = Expr.Cast(e[1], t);
            var mod = Expr.Call(Intrinsic.Fmod, p, q);
            var div = (p - mod) / q;
            var zero = Expr.Const(0, t);
            var adjust = Expr.And(Expr.Ne(mod, zero), Expr.Ne(Expr.Lt(q, zero), Expr.Lt(mod, zero)));
            div = Expr.Select(adjust, div - Expr.Const(1, t), div);
            Expr floor = Expr.Call(Intrinsic.Floor, div);
            floor = Expr.Select(Expr.Gt(div - floor, Expr.Const(0.5, t)), floor + Expr.Const(1, t), floor);
            // A zero quotient keeps the sign of a / b; multiplying by zero gives the signed zero.
            var signedZero = zero * (p / q);
            return Expr.Select(Expr.Eq(q, zero), p / q, Expr.Select(Expr.Eq(div, zero), signedZero, floor));
        });
    }

    // self + value * t1 * t2 (or / t2).
    private static LoweringFunction AddcOp(bool divide) => (ctx, a) =>
    {
        var t = ctx.OutputDType();
        var value = ctx.Scalar(a[3], t);
        return ctx.Pointwise(t, [a[0], a[1], a[2]], e =>
        {
            var prod = divide ? Expr.Cast(e[1], t) / Expr.Cast(e[2], t) : Expr.Cast(e[1], t) * Expr.Cast(e[2], t);
            return Expr.Cast(e[0], t) + value * prod;
        });
    };

    private static LoweredValue Where(LoweringContext ctx, IReadOnlyList<LoweredValue> a)
    {
        var t = ctx.OutputDType();
        return ctx.Pointwise(t, [a[0], a[1], a[2]], e => Expr.Select(Expr.Cast(e[0], DType.Bool), Expr.Cast(e[1], t), Expr.Cast(e[2], t)));
    }

    private static LoweredValue MaskedFill(LoweringContext ctx, IReadOnlyList<LoweredValue> a)
    {
        var t = ctx.OutputDType();
        var value = ctx.Scalar(a[2], t);
        return ctx.Pointwise(t, [a[0], a[1]], e => Expr.Select(Expr.Cast(e[1], DType.Bool), value, Expr.Cast(e[0], t)));
    }
}
