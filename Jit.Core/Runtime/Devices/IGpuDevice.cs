using Jit.Codegen;
using Jit.TensorExpr;

namespace Jit.Runtime.Devices;

/// <summary>
/// What a GPU-style backend gives the device-independent kernel glue (fusion groups, extern-op
/// templates): a TE kernel scheduled, rendered in the device's own form (OpenCL C, SPIR-V words,
/// kernel IL for ILGPU) and compiled into a launchable kernel. The rendering stays the backend's
/// business because each device's compiler takes a different artifact.
/// </summary>
public interface IGpuDevice
{
    /// <summary>The backend whose memory and queue the kernels use.</summary>
    IBackend Backend { get; }

    /// <summary>
    /// The kernel scheduled, rendered and built for this device (the backend may cache the build);
    /// <see cref="Errors.JitDeviceException"/> with the compiler's log on failure.
    /// </summary>
    IGpuKernel Compile(TeKernel kernel);
}

/// <summary>A compiled <see cref="GpuProgram"/>, launched asynchronously on its backend's queue. Thread-safe.</summary>
public interface IGpuKernel
{
    TeKernel Kernel { get; }

    /// <summary>Launches into <paramref name="outputs"/> (device tensors laid out as the kernel's outputs); inputs are device tensors, numbers 0-dim device tensors.</summary>
    void RunInto(ReadOnlySpan<IValue> inputs, ReadOnlySpan<IValue> outputs);

    /// <summary>Launches with new contiguous device outputs and returns them.</summary>
    IValue[] Run(ReadOnlySpan<IValue> inputs);
}
