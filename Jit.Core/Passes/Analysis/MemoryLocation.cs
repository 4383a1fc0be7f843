namespace Jit.Passes.Analysis;

/// <summary>
/// One abstract memory location of <see cref="AliasAnalysis"/>: the storage a node creates (a
/// tensor, a list, a tuple…). Values point to sets of locations; a container location holds the
/// locations of its elements. An escaped location is one the graph does not own (graph inputs,
/// module attributes, constants, whatever an unknown op touched): every escaped location may be
/// every other one, as PyTorch's wildcard set.
/// </summary>
internal sealed class MemoryLocation(int id, string origin, Ir.Value? creator = null)
{
    public int Id { get; } = id;
    /// <summary>What created it, for debugging (<c>aten::clone %3</c>).</summary>
    public string Origin { get; } = origin;
    /// <summary>The value whose node made this memory, if a value did.</summary>
    public Ir.Value? Creator { get; } = creator;
    public bool Escaped { get; set; }
    public HashSet<MemoryLocation> Contents { get; } = [];

    public override string ToString() => $"L{Id}({Origin}{(Escaped ? ", escaped" : "")})";
}
