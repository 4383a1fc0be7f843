namespace Jit.Passes.Analysis;

/// <summary>
/// The set of memory locations one value (or one intermediate of the analysis) may point to,
/// plus which kinds of mutable type it can hold (<see cref="AliasTypeKinds"/>), so that two
/// escaped values of unrelated types (a tensor and an <c>int[]</c>) are not reported as aliases.
/// </summary>
internal sealed class PointsTo(AliasTypeKinds kinds)
{
    public HashSet<MemoryLocation> Locations { get; } = [];
    public AliasTypeKinds Kinds { get; } = kinds;
}
