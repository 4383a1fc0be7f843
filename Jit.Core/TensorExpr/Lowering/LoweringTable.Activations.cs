using Jit.Tensors;

namespace Jit.TensorExpr.Lowering;

// Activations, each the formula PyTorch's CPU kernel computes, in opmath (float32 for half types).
public static partial class LoweringTable
{
    private const double Sqrt1Over2 = 0.70710678118654752440;
    private const double Sqrt2OverPi = 0.79788456080286535588;

    private static void AddActivations(Dictionary<string, LoweringFunction> t)
    {
        Add(t, Gelu, "aten::gelu");
        Add(t, SharedUnary(x => x * Expr.Call(Intrinsic.Sigmoid, x)), "aten::silu");
        Add(t, SharedUnary(x => x * Expr.Call(Intrinsic.Tanh, Softplus(x, 1, 20))), "aten::mish");
        Add(t, UnaryWith((x, p) => SoftplusOf(x, p[0], p[1])), "aten::softplus");
        Add(t, UnaryWith((x, p) => Expr.Select(Expr.Gt(x, 0.0), x, x * p[0])), "aten::leaky_relu");
        // x > 0 ? x * scale : alpha * scale * expm1(x * input_scale)
        Add(t, UnaryWith((x, p) => Expr.Select(Expr.Gt(x, 0.0), x * p[1], p[0] * p[1] * Expr.Call(Intrinsic.Expm1, x * p[2]))), "aten::elu");
        // x·min(max(x + 3, 0), 6) / 6, rounding in PyTorch's order (not x times hardsigmoid).
        Add(t, SharedUnary(x => x * Relu6Of(x + 3.0) / 6.0), "aten::hardswish");
        Add(t, Unary(x => Relu6Of(x + 3.0) / 6.0), "aten::hardsigmoid");
    }

    private static LoweredValue Gelu(LoweringContext ctx, IReadOnlyList<LoweredValue> a)
    {
        var approximate = a.Count > 1 ? LoweringContext.String(a[1]) : "none";
        Func<Expr, Expr> f = approximate switch
        {
            "none" => x => 0.5 * x * (1.0 + Expr.Call(Intrinsic.Erf, x * Sqrt1Over2)),
            "tanh" => x => 0.5 * x * (1.0 + Expr.Call(Intrinsic.Tanh, Sqrt2OverPi * (x + 0.044715 * x * x * x))),
            _ => throw new TeLoweringException($"{ctx.Node.Kind}: approximate must be 'none' or 'tanh', got {a[1]}"),
        };
        return SharedUnary(f)(ctx, [a[0]]);
    }

    // x * beta > threshold ? x : log1p(exp(x * beta)) / beta
    private static Expr Softplus(Expr x, double beta, double threshold) =>
        SoftplusOf(x, Expr.Const(beta, x.DType), Expr.Const(threshold, x.DType));

    private static Expr SoftplusOf(Expr x, Expr beta, Expr threshold) =>
        Expr.Select(Expr.Gt(x * beta, threshold), x, Expr.Call(Intrinsic.Log1p, Expr.Call(Intrinsic.Exp, x * beta)) / beta);

    private static Expr Relu6Of(Expr x) => Expr.Min(Expr.Max(x, Expr.Const(0, x.DType)), Expr.Const(6, x.DType));
}
