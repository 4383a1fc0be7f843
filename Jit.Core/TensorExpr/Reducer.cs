using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>
/// How a reduction combines: a built-in <see cref="ReduceKind"/>, or <see cref="ReduceKind.Custom"/>
/// with a combiner expression over two vars (<see cref="Acc"/>, <see cref="X"/>) and an init value.
/// </summary>
public sealed record Reducer(ReduceKind Kind, Var? Acc = null, Var? X = null, Expr? Combiner = null, Expr? InitValue = null)
{
    public static readonly Reducer Sum = new(ReduceKind.Sum);
    public static readonly Reducer Prod = new(ReduceKind.Prod);
    public static readonly Reducer Max = new(ReduceKind.Max);
    public static readonly Reducer Min = new(ReduceKind.Min);
    public static readonly Reducer Any = new(ReduceKind.Any);
    public static readonly Reducer All = new(ReduceKind.All);

    /// <summary>A general accumulation <c>acc = combiner(acc, x)</c> starting from <paramref name="init"/>.</summary>
    public static Reducer Custom(Var acc, Var x, Expr combiner, Expr init) => new(ReduceKind.Custom, acc, x, combiner, init);

    /// <summary>The identity of the combiner in <paramref name="dtype"/> (max starts at -inf or the type's minimum).</summary>
    public Expr Init(DType dtype) => Kind switch
    {
        ReduceKind.Sum => Expr.Const(0, dtype),
        ReduceKind.Prod => Expr.Const(1, dtype),
        ReduceKind.Max => dtype.IsFloatingPoint() ? new FloatImm(dtype, double.NegativeInfinity) : new IntImm(dtype, ScalarMath.MinValue(dtype)),
        ReduceKind.Min => dtype.IsFloatingPoint() ? new FloatImm(dtype, double.PositiveInfinity) : new IntImm(dtype, ScalarMath.MaxValue(dtype)),
        ReduceKind.Any => Expr.Const(0, dtype),
        ReduceKind.All => Expr.Const(1, dtype),
        _ => Expr.Cast(InitValue!, dtype),
    };

    /// <summary>The combined value as an ordinary expression, e.g. <c>acc + x</c>.</summary>
    public Expr Combine(Expr acc, Expr x) => Kind switch
    {
        ReduceKind.Sum => acc + x,
        ReduceKind.Prod => acc * x,
        ReduceKind.Max => Expr.Max(acc, x),
        ReduceKind.Min => Expr.Min(acc, x),
        ReduceKind.Any => Expr.Or(acc, x),
        ReduceKind.All => Expr.And(acc, x),
        _ => VarSubstituter.Substitute(Combiner!, new Dictionary<Var, Expr> { [Acc!] = acc, [X!] = x }),
    };
}
