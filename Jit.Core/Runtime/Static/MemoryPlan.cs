namespace Jit.Runtime.Static;

/// <summary>
/// Where every planned intermediate lives in one arena of <see cref="ArenaBytes"/> bytes. Offsets
/// are multiples of <see cref="MemoryPlanner.Alignment"/>. The plan holds no memory itself: each
/// runtime allocates its own arena of this size.
/// </summary>
public sealed class MemoryPlan(long arenaBytes, IReadOnlyList<PlannedTensor> tensors)
{
    public long ArenaBytes { get; } = arenaBytes;
    public IReadOnlyList<PlannedTensor> Tensors { get; } = tensors;

    /// <summary>What the values would take with one buffer each: the planner's saving is the difference.</summary>
    public long UnsharedBytes => Tensors.Sum(t => t.Bytes);

    public static readonly MemoryPlan Empty = new(0, []);
}
