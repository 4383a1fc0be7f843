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
}
