namespace Jit.TensorExpr;

/// <summary>How a loop is to be run; see <see cref="LoopAnnotation"/>.</summary>
public enum LoopKind
{
    Serial,
    Parallel,
    Vectorized,
    Unrolled,
    GpuBlock,
    GpuThread,
    /// <summary>Grid-stride over every work-item of the launch (global id / global size along the axis).</summary>
    GpuGlobal,
}
