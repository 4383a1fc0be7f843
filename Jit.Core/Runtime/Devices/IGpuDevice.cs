using Jit.Codegen;
using Jit.TensorExpr;

namespace Jit.Runtime.Devices;

/// <summary>
/// What a GPU-style backend gives the device-independent kernel glue (fusion groups, extern-op
/// templates): its rendering of a TE kernel (schedule and dialect) and the compiled, launchable
/// form of a rendering. OpenCL today; CUDA and Vulkan add a renderer and a launcher, nothing else.
/// </summary>
public interface IGpuDevice
{
    /// <summary>The backend whose memory and queue the kernels use.</summary>
    IBackend Backend { get; }

    /// <summary>The kernel scheduled and rendered for this device (no device work: pure text).</summary>
    GpuProgram Render(TeKernel kernel);

    /// <summary>The program built for this device (cached by the backend); <see cref="Errors.JitDeviceException"/> with the build log on failure.</summary>
    IGpuKernel Compile(GpuProgram program);
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
