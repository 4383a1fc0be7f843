namespace Jit.Ops;

/// <summary>What passes must respect about an op (dead code elimination, CSE, constant folding, reordering).</summary>
[Flags]
public enum OpFlags
{
    None = 0,
    /// <summary>Observable beyond its outputs (warn, raise, print, attribute writes): never removed or reordered.</summary>
    SideEffects = 1,
    /// <summary>Two calls with the same inputs may differ (rand*, dropout in training): never CSE'd or folded.</summary>
    Nondeterministic = 2,
    /// <summary>Writes to an input; derived from the schema's <c>(a!)</c> annotations.</summary>
    MutatesInputs = 4,
}
