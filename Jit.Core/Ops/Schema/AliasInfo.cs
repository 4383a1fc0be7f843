namespace Jit.Ops;

/// <summary>
/// An alias annotation from a schema: <c>(a)</c>, <c>(a!)</c>, <c>(a -> *)</c>, <c>(b|a)</c>, <c>(*)</c>.
/// The sets keep the order they were written in so a schema prints back exactly.
/// </summary>
public sealed class AliasInfo(IReadOnlyList<string> beforeSets, IReadOnlyList<string> afterSets, bool isWrite)
{
    public IReadOnlyList<string> BeforeSets { get; } = beforeSets;
    /// <summary>Equal to <see cref="BeforeSets"/> unless the annotation has an arrow.</summary>
    public IReadOnlyList<string> AfterSets { get; } = afterSets;
    /// <summary>The value is written to (<c>!</c>): the op mutates it.</summary>
    public bool IsWrite { get; } = isWrite;

    /// <summary>The wildcard set <c>*</c>: may alias anything.</summary>
    public bool IsWildcardBefore => BeforeSets.Contains("*");

    public override string ToString()
    {
        var s = "(" + string.Join("|", BeforeSets) + (IsWrite ? "!" : "");
        if (!BeforeSets.SequenceEqual(AfterSets)) s += " -> " + string.Join("|", AfterSets);
        return s + ")";
    }
}
