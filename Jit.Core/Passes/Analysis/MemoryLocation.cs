namespace Jit.Passes.Analysis;

/// <summary>
/// One abstract memory location of <see cref="AliasAnalysis"/>: the storage a node creates (a
/// tensor, a list, a tuple…). Values point to sets of locations; a container location holds the
/// locations of its elements. An escaped location is one the graph does not own and knows nothing
/// about (graph inputs, whatever an unknown op touched): every escaped location may be every other
/// one, as PyTorch's wildcard set. An external location is one the graph does not own either (a
/// module attribute, a constant) but can name: it is distinct from every other location, so
/// writing one attribute does not write another, until it escapes.
/// </summary>
internal sealed class MemoryLocation(int id, string origin, Ir.Value? creator = null)
{
    public int Id { get; } = id;
    /// <summary>What created it, for debugging (<c>aten::clone %3</c>, <c>%self.conv.weight</c>).</summary>
    public string Origin { get; } = origin;
    /// <summary>The value whose node made this memory, if a value did.</summary>
    public Ir.Value? Creator { get; } = creator;
    public bool Escaped { get; set; }
    /// <summary>Memory that outlives the run (an attribute, a constant): writing it is an effect.</summary>
    public bool External { get; init; }
    /// <summary>Whether the graph does not own this memory: writes to it are seen after the run.</summary>
    public bool NotOwned => Escaped || External;
    public HashSet<MemoryLocation> Contents { get; } = [];

    public override string ToString() =>
        $"L{Id}({Origin}{(Escaped ? ", escaped" : External ? ", external" : "")})";
}
