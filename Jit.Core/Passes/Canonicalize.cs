using Jit.Ir;

namespace Jit.Passes;

/// <summary>
/// Gives the graph a stable numbering, as PyTorch's <c>Canonicalize</c> does by copying the graph
/// into a fresh one: value ids are renumbered from 0 in order of definition (graph inputs, then
/// each node's outputs before the values of its blocks, as <c>createClone</c> creates them), so
/// two graphs that differ only in their ids print the same. Debug names are kept by default
/// (PyTorch's <c>keep_unique_names</c>); without them every value prints as its number.
/// </summary>
public sealed class Canonicalize : IGraphPass
{
    public Canonicalize(bool keepDebugNames = true) => KeepDebugNames = keepDebugNames;

    public bool KeepDebugNames { get; }

    public string Name => nameof(Canonicalize);

    public bool Run(Graph graph)
    {
        bool changed = false;
        int next = 0;
        int maxOld = -1;
        foreach (var v in ValuesInDefinitionOrder(graph.Block))
        {
            maxOld = Math.Max(maxOld, v.Id);
            if (v.Id != next) changed = true;
            v.Id = next++;
            if (!KeepDebugNames && v.HasDebugName)
            {
                v.SetDebugName(null);
                changed = true;
            }
        }
        // Ids handed out later must not collide with the new ones; they never decrease.
        graph.ReserveValueId(Math.Max(maxOld, next - 1));
        return changed;
    }

    private static IEnumerable<Value> ValuesInDefinitionOrder(Block block)
    {
        foreach (var v in block.Inputs) yield return v;
        foreach (var node in block.Nodes)
        {
            foreach (var v in node.Outputs) yield return v;
            foreach (var b in node.Blocks)
                foreach (var v in ValuesInDefinitionOrder(b)) yield return v;
        }
    }
}
