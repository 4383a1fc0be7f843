using Jit.Ir;

namespace Jit.Ops;

/// <summary>
/// The sizes of tensor return <paramref name="output"/> (for a <c>Tensor[]</c> return: of each
/// element): each dim static, symbolic or null (unknown); the whole result null when even the rank
/// is unknown. Throws a <see cref="Errors.JitShapeException"/> naming the op and the shapes when
/// they cannot fit.
/// </summary>
public delegate ShapeSymbol?[]? ShapeFunction(OpArgs args, int output);
