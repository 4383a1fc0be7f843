using Jit.Runtime;
using Jit.Tensors;

namespace Jit.TensorExpr.Lowering;

/// <summary>
/// One value of a group's subgraph during lowering. A tensor is not a buffer but a function from
/// its logical indices to an expression (NNC's <c>Compute</c> body), so a chain of elementwise ops
/// inlines into one expression; reductions and values worth sharing are materialized into
/// temporaries (<see cref="LoweringContext.Materialize"/>) and read back through the same function.
/// </summary>
public sealed class LoweredValue
{
    private readonly Func<IReadOnlyList<Expr>, Expr>? _at;

    private LoweredValue(LoweredValueKind kind, DType dtype, IReadOnlyList<Expr> shape, Func<IReadOnlyList<Expr>, Expr>? at,
        Expr? scalar, IValue constant, IReadOnlyList<LoweredValue> items)
    {
        Kind = kind;
        DType = dtype;
        Shape = shape;
        _at = at;
        Scalar = scalar;
        Constant = constant;
        Items = items;
    }

    public LoweredValueKind Kind { get; }

    /// <summary>The element dtype of a tensor, the dtype of a scalar expression (float64/int64/bool for numbers).</summary>
    public DType DType { get; }

    /// <summary>The sizes of a tensor as int64 expressions over the kernel's size params; empty otherwise.</summary>
    public IReadOnlyList<Expr> Shape { get; }

    public int Rank => Shape.Count;

    /// <summary>The expression of a <see cref="LoweredValueKind.Scalar"/> value.</summary>
    public Expr? Scalar { get; }

    /// <summary>The value of a <see cref="LoweredValueKind.Constant"/>.</summary>
    public IValue Constant { get; }

    /// <summary>The items of a <see cref="LoweredValueKind.Tuple"/>.</summary>
    public IReadOnlyList<LoweredValue> Items { get; }

    public bool IsTensor => Kind == LoweredValueKind.Tensor;

    /// <summary>True for None (an omitted optional argument).</summary>
    public bool IsNone => Kind == LoweredValueKind.Constant && Constant.IsNone;

    /// <summary>The element at <paramref name="indices"/> (exactly <see cref="Rank"/> int64 expressions).</summary>
    public Expr At(IReadOnlyList<Expr> indices)
    {
        if (_at is null) throw new InvalidOperationException($"a {Kind} value has no elements");
        if (indices.Count != Rank) throw new ArgumentException($"a rank-{Rank} value indexed with {indices.Count} indices");
        return _at(indices);
    }

    public static LoweredValue Tensor(DType dtype, IReadOnlyList<Expr> shape, Func<IReadOnlyList<Expr>, Expr> at) =>
        new(LoweredValueKind.Tensor, dtype, shape.ToArray(), at, null, IValue.None, []);

    public static LoweredValue OfScalar(Expr value) =>
        new(LoweredValueKind.Scalar, value.DType, [], null, value, IValue.None, []);

    public static LoweredValue OfConstant(IValue value) =>
        new(LoweredValueKind.Constant, DType.Float64, [], null, null, value, []);

    public static LoweredValue OfTuple(params LoweredValue[] items) =>
        new(LoweredValueKind.Tuple, DType.Float64, [], null, null, IValue.None, items);

    public override string ToString() => Kind switch
    {
        LoweredValueKind.Tensor => $"{DType.PythonName()}[{string.Join(", ", Shape)}]",
        LoweredValueKind.Scalar => Scalar!.ToString(),
        LoweredValueKind.Constant => Constant.ToString(),
        _ => $"({string.Join(", ", Items)})",
    };
}
