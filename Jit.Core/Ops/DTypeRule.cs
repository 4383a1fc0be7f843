using Jit.Tensors;

namespace Jit.Ops;

/// <summary>
/// The dtype of tensor return <paramref name="output"/> of a call, from its abstract inputs; null
/// only when an input the rule needs is unknown. Throws a <see cref="Errors.JitTypeException"/>
/// where PyTorch rejects the dtypes.
/// </summary>
public delegate DType? DTypeRule(OpArgs args, int output);
