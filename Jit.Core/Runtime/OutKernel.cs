namespace Jit.Runtime;

/// <summary>
/// The out-variant of an op overload: like <see cref="OpKernel"/>, but <paramref name="outputs"/>
/// already holds one destination tensor per schema return, of the dtype and sizes the op produces
/// for these inputs, and the kernel writes its result into it. The destination never overlaps an
/// input, is contiguous and is left in place. The static runtime uses it so results land in
/// buffers the memory planner chose (PyTorch's <c>at::*_out</c> ops).
/// </summary>
public delegate void OutKernel(ReadOnlySpan<IValue> inputs, ReadOnlySpan<IValue> outputs);
