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
}
