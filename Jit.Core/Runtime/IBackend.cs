namespace Jit.Runtime;

/// <summary>
/// A device backend: owns the device side (memory, compile, launch) and the kernels it implements.
/// Created through <see cref="BackendRegistry"/>; disposed by whoever opened it.
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>The device this backend actually runs on (never a silent substitute).</summary>
    Device Device { get; }

    /// <summary>Tensor-op kernels this backend implements, by overload name.</summary>
    KernelTable Kernels { get; }

    /// <summary>
    /// Compiles fusion groups into kernels; null (the default) when the backend has no
    /// tensor-expression code generator: fusion groups then run through the interpreter
    /// (<see cref="InterpretedFusedKernel"/>), and <c>jit run</c> does not fuse by default.
    /// </summary>
    IFusedKernelCompiler? FusedKernelCompiler => null;
}
