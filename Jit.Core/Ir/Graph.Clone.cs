using Jit.Errors;

namespace Jit.Ir;

public sealed partial class Graph
{
    /// <summary>
    /// A deep copy: same nodes, attributes (subgraphs copied too), types, debug names, source ranges,
    /// and the same value ids, so the copy prints exactly as the original.
    /// </summary>
    public Graph Copy()
    {
        var copy = new Graph();
        copy.Block.CloneFrom(Block, v =>
            throw new JitIrException($"graph copy: %{v.DisplayName} is used in the graph but not defined in it"));
        var originals = AllValues(Block).ToList();
        var copies = AllValues(copy.Block).ToList();
        // Both walks visit values in the same order; keeping ids keeps the printed %N names.
        int maxId = -1;
        for (int i = 0; i < originals.Count; i++)
        {
            copies[i].Id = originals[i].Id;
            maxId = Math.Max(maxId, originals[i].Id);
        }
        copy.ReserveValueId(Math.Max(maxId, _nextValueId - 1));
        return copy;
    }

    /// <summary>
    /// A new, uninserted node like <paramref name="n"/>: same kind, attributes and source range;
    /// inputs mapped through <paramref name="valueMap"/>; outputs with the same types and names
    /// (taking a name that is in use renames the holder, as PyTorch does); blocks copied when
    /// <paramref name="copyBlocks"/>.
    /// </summary>
    public Node CreateClone(Node n, Func<Value, Value> valueMap, bool copyBlocks = true)
    {
        var r = new Node(this, n.Kind) { SourceRange = n.SourceRange, Scope = n.Scope };
        foreach (var (name, attr) in n.Attributes) r.SetAttribute(name, CloneAttribute(attr));
        foreach (var input in n.Inputs) r.AddInput(valueMap(input));
        foreach (var output in n.Outputs) r.AddOutput().CopyMetadataFrom(output);
        if (copyBlocks)
            foreach (var b in n.Blocks) r.AddBlock().CloneFrom(b, valueMap);
        return r;
    }

    // Attributes are immutable except graphs, which passes change in place: give each clone its own.
    private static Attribute CloneAttribute(Attribute a) => a.Value switch
    {
        Graph g => Attribute.Of(g.Copy()),
        Graph[] gs => new Attribute(AttributeKind.Graphs, gs.Select(g => g.Copy()).ToArray()),
        _ => a,
    };

    private static IEnumerable<Value> AllValues(Block b)
    {
        foreach (var v in b.Inputs) yield return v;
        foreach (var n in b.Nodes)
        {
            foreach (var sub in n.Blocks)
                foreach (var v in AllValues(sub)) yield return v;
            foreach (var v in n.Outputs) yield return v;
        }
    }
}
