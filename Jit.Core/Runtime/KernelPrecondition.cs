namespace Jit.Runtime;

/// <summary>
/// Whether a kernel runs these arguments: null when it does, else the reason it does not (a device
/// template that does not cover a dtype or a layout). The static runtime asks at plan time, with
/// tensors that carry only their dtype, sizes and strides, and runs a node whose kernel declines as
/// an explicit host step. A number the plan does not know is None there.
/// </summary>
public delegate string? KernelPrecondition(ReadOnlySpan<IValue> arguments);
