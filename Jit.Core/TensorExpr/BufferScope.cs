namespace Jit.TensorExpr;

/// <summary>Where an <see cref="AllocateStmt"/>'s buffer lives on a GPU-style device.</summary>
public enum BufferScope
{
    /// <summary>Unscheduled: the backend decides (a CPU backend: its own stack or heap).</summary>
    Auto,
    /// <summary>Private to one work-item (registers): scalars and small constant-size arrays.</summary>
    Private,
    /// <summary>Shared by the work-items of one work-group (OpenCL <c>__local</c>, CUDA <c>__shared__</c>).</summary>
    Local,
    /// <summary>Device memory the host allocates per launch (a program temporary, read across stages).</summary>
    Global,
    /// <summary>
    /// One private array per work-item, allocated at work-group level (inside a
    /// <see cref="LoopKind.GpuBlock"/> loop, outside any <see cref="LoopKind.GpuThread"/> loop): dim 0
    /// has one slice per work-item and every access indexes it with the index of the enclosing thread
    /// loop, so each work-item touches only its own slice. It keeps a work-item's registers (a GEMM's
    /// accumulator block) across the barriers between sibling thread loops; a printer declares one
    /// slice per work-item and drops dim 0.
    /// </summary>
    PerWorkItem,
}
