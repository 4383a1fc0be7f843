using Jit.Tensors;

namespace Jit.TensorExpr.Lowering;

// Comparisons (computed in the promoted dtype, bool result), logical and bitwise ops.
public static partial class LoweringTable
{
    private static void AddComparison(Dictionary<string, LoweringFunction> t)
    {
        Add(t, Compare(Expr.Eq), "aten::eq.Tensor", "aten::eq.Scalar");
        Add(t, Compare(Expr.Ne), "aten::ne.Tensor", "aten::ne.Scalar");
        Add(t, Compare(Expr.Lt), "aten::lt.Tensor", "aten::lt.Scalar");
        Add(t, Compare(Expr.Le), "aten::le.Tensor", "aten::le.Scalar");
        Add(t, Compare(Expr.Gt), "aten::gt.Tensor", "aten::gt.Scalar");
        Add(t, Compare(Expr.Ge), "aten::ge.Tensor", "aten::ge.Scalar");
        Add(t, Logical(Expr.And), "aten::logical_and");
        Add(t, Logical(Expr.Or), "aten::logical_or");
        Add(t, Logical(Expr.Ne), "aten::logical_xor");
        Add(t, (ctx, a) => ctx.Pointwise(DType.Bool, [a[0]], e => Expr.Not(Expr.Cast(e[0], DType.Bool))), "aten::logical_not");
        Add(t, Binary(Expr.And), "aten::bitwise_and.Tensor", "aten::bitwise_and.Scalar", "aten::bitwise_and.Scalar_Tensor", "aten::__and__.Tensor", "aten::__and__.Scalar");
        Add(t, Binary(Expr.Or), "aten::bitwise_or.Tensor", "aten::bitwise_or.Scalar", "aten::bitwise_or.Scalar_Tensor", "aten::__or__.Tensor", "aten::__or__.Scalar");
        Add(t, Binary((x, y) => Expr.Binary(BinaryOp.Xor, x, y)),
            "aten::bitwise_xor.Tensor", "aten::bitwise_xor.Scalar", "aten::bitwise_xor.Scalar_Tensor", "aten::__xor__.Tensor", "aten::__xor__.Scalar");
        Add(t, (ctx, a) =>
        {
            var d = ctx.OutputDType();
            return ctx.Pointwise(d, [a[0]], e => Expr.Not(Expr.Cast(e[0], d)));
        }, "aten::bitwise_not");
    }

    // PyTorch compares in result_type(self, other): an int tensor against 2.5 compares as float.
    private static LoweringFunction Compare(Func<Expr, Expr, Expr> f) => (ctx, a) =>
    {
        var c = ctx.ComputeDType(0, 1);
        return ctx.Pointwise(DType.Bool, [a[0], a[1]], e => f(Expr.Cast(e[0], c), Expr.Cast(e[1], c)));
    };

    private static LoweringFunction Logical(Func<Expr, Expr, Expr> f) => (ctx, a) =>
        ctx.Pointwise(ctx.OutputDType(), [a[0], a[1]], e => f(Expr.Cast(e[0], DType.Bool), Expr.Cast(e[1], DType.Bool)));
}
