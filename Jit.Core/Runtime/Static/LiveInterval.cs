namespace Jit.Runtime.Static;

/// <summary>
/// A buffer the memory planner places: <see cref="Bytes"/> long, live from step <see cref="Start"/>
/// to step <see cref="End"/>, both inclusive (a step's inputs and outputs never share memory).
/// </summary>
public readonly record struct LiveInterval(int Id, long Bytes, int Start, int End)
{
    public bool Overlaps(LiveInterval other) => Start <= other.End && other.Start <= End;
}
