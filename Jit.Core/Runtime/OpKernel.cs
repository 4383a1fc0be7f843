namespace Jit.Runtime;

/// <summary>
/// Runs one op overload. <paramref name="inputs"/> holds every schema argument in order (defaults
/// already filled in); the kernel writes each schema return into <paramref name="outputs"/>.
/// </summary>
public delegate void OpKernel(ReadOnlySpan<IValue> inputs, Span<IValue> outputs);
