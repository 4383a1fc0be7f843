namespace Jit.Kernels.Building;

/// <summary>A template does not cover the call's arguments (the message says which and why); never escapes <see cref="ExternKernels"/>.</summary>
internal sealed class UnsupportedArgumentsException(string message) : Exception(message);
