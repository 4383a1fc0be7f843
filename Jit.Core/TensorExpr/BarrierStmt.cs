namespace Jit.TensorExpr;

/// <summary>
/// Every work-item of a work-group waits here until all have arrived, and their writes to
/// <see cref="BufferScope.Local"/> buffers become visible to each other. A schedule places it only
/// between sibling <see cref="LoopKind.GpuThread"/> loops, so running those loops one after the
/// other (as <see cref="TeEvaluator"/> does, where the barrier is a no-op) means the same.
/// </summary>
public sealed record BarrierStmt : Stmt
{
    /// <summary>The barrier (it has no fields).</summary>
    public static readonly BarrierStmt Instance = new();
}
