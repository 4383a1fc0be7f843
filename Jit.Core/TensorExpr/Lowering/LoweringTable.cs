using Jit.Tensors;

namespace Jit.TensorExpr.Lowering;

/// <summary>
/// The lowering of every fusible op overload (registry <c>OpKind.Elementwise</c> or
/// <c>Reduction</c>) to a TE expression, keyed by qualified overload name as the op table is
/// (<c>aten::add.Tensor</c>, <c>aten::relu</c>). Split by family into partial files, like the op
/// table. Dtypes come from the registry's dtype rule (<see cref="LoweringContext.OutputDType"/>);
/// a lowering only says how to compute. Ops that are not here (in-place and random ops, which the
/// fuser never groups, and lists of tensors) make <see cref="TeLowering.LowerGroup"/> fail.
/// </summary>
public static partial class LoweringTable
{
    private static readonly Lazy<Dictionary<string, LoweringFunction>> Table = new(Create);

    /// <summary>The lowering of <paramref name="qualifiedOverloadName"/>, or null when it has none.</summary>
    public static LoweringFunction? Find(string qualifiedOverloadName) => Table.Value.GetValueOrDefault(qualifiedOverloadName);

    /// <summary>Every overload with a lowering, sorted.</summary>
    public static IReadOnlyList<string> Names => Table.Value.Keys.Order(StringComparer.Ordinal).ToArray();

    private static Dictionary<string, LoweringFunction> Create()
    {
        var t = new Dictionary<string, LoweringFunction>(StringComparer.Ordinal);
        AddArithmetic(t);
        AddComparison(t);
        AddUnary(t);
        AddActivations(t);
        AddReductions(t);
        AddNormalization(t);
        return t;
    }

    private static void Add(Dictionary<string, LoweringFunction> t, LoweringFunction f, params string[] names)
    {
        foreach (var n in names) t.Add(n, f);
    }

    /// <summary>
    /// The dtype PyTorch computes a float op in ("opmath"): float32 for float16 and bfloat16, so
    /// that composite activations round once, as the CPU kernels do.
    /// </summary>
    private static DType OpMath(DType t) => t is DType.Float16 or DType.BFloat16 ? DType.Float32 : t;

    /// <summary>An op of one tensor computed in the opmath of its output dtype.</summary>
    private static LoweringFunction Unary(Func<Expr, Expr> f) => (ctx, a) =>
    {
        var t = ctx.OutputDType();
        var m = OpMath(t);
        return ctx.Pointwise(t, [a[0]], x => f(Expr.Cast(x[0], m)));
    };

    /// <summary>As <see cref="Unary"/> with the op's number arguments (in the compute dtype) passed along.</summary>
    private static LoweringFunction UnaryWith(Func<Expr, Expr[], Expr> f) => (ctx, a) =>
    {
        var t = ctx.OutputDType();
        var m = OpMath(t);
        var args = a.Skip(1).Select(v => v.IsNone ? null! : ctx.Scalar(v, m)).ToArray();
        return ctx.Pointwise(t, [ctx.Share(a[0])], e => f(Expr.Cast(e[0], m), args));
    };

    /// <summary>An op of two operands (tensor or number) both converted to the output dtype.</summary>
    private static LoweringFunction Binary(Func<Expr, Expr, Expr> f) => (ctx, a) =>
    {
        var t = ctx.OutputDType();
        return ctx.Pointwise(t, [a[0], a[1]], x => f(Expr.Cast(x[0], t), Expr.Cast(x[1], t)));
    };
}
