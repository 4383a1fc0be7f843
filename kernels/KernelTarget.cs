namespace Jit.Kernels;

/// <summary>
/// The kind of device an extern-op template writes its kernel for. The kernel means the same on
/// either; a GPU form may be written for work-groups already (the matrix products tile in local
/// memory), which <see cref="Jit.TensorExpr.TeEvaluator"/> and every GPU renderer run.
/// </summary>
public enum KernelTarget
{
    /// <summary>A plain loop nest, which CPU backends vectorize and parallelize themselves.</summary>
    Cpu,
    /// <summary>A GPU-style device (OpenCL, CUDA, Vulkan).</summary>
    Gpu,
}
