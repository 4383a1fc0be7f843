namespace Jit.TensorExpr.Lowering;

/// <summary>
/// The lowering of one op overload: the node's inputs, lowered, in schema order (trailing
/// defaults filled), to its output (a <see cref="LoweredValueKind.Tuple"/> for several).
/// </summary>
public delegate LoweredValue LoweringFunction(LoweringContext ctx, IReadOnlyList<LoweredValue> inputs);
