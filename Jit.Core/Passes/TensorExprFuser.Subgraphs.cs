using Jit.Ir;
using Jit.Ir.Text;
using Jit.Tensors;

namespace Jit.Passes;

// Building and taking apart group subgraphs (PyTorch's passes/utils/subgraph_utils.cpp).
public sealed partial class TensorExprFuser
{
    // A constant copied into a subgraph -> the constant it copies, so that inlining a group back
    // reuses the original instead of leaving a duplicate behind.
    private readonly Dictionary<Value, Value> _constantOrigins = [];

    private Node CreateSingletonGroup(Node n)
    {
        var group = n.Graph.Create(GroupKind, null, 0);
        group.SetAttribute(IrPrinter.SubgraphAttribute, Ir.Attribute.Of(new Graph()));
        group.InsertBefore(n);
        MergeNodeInto(n, group);
        _groupsCreated++;
        return group;
    }

    /// <summary>
    /// Moves <paramref name="producer"/> (a plain node just before <paramref name="group"/>) into
    /// the group's subgraph: its inputs become group inputs (or copied constants), the group
    /// inputs it defined become internal, and its outputs used elsewhere become group outputs.
    /// </summary>
    private void MergeNodeInto(Node producer, Node group)
    {
        var sub = Subgraph(group);
        var clone = sub.CreateClone(producer, v => SubgraphValue(group, sub, v));
        // Every input of the clone is a subgraph input or a constant at the top, so the clone may
        // go before every other computing node: it produces what they consume.
        var firstComputing = sub.Block.Nodes.FirstOrDefault(m => m.Kind != "prim::Constant");
        if (firstComputing is null) sub.Block.AppendNode(clone);
        else clone.InsertBefore(firstComputing);

        for (int o = 0; o < producer.Outputs.Count; o++)
        {
            var outer = producer.Outputs[o];
            var inner = clone.Outputs[o];
            for (int k = group.Inputs.Count - 1; k >= 0; k--)
            {
                if (group.Inputs[k] != outer) continue;
                sub.Inputs[k].ReplaceAllUsesWith(inner);
                group.RemoveInput(k);
                sub.EraseInput(k);
            }
            if (!outer.HasUses) continue;
            // Used after the group: the group computes it for them.
            sub.RegisterOutput(inner);
            var output = group.AddOutput().CopyMetadataFrom(outer);
            outer.ReplaceAllUsesWith(output);
        }
        producer.Destroy();
    }

    // The subgraph value standing for `outer`: a copy of a small constant, or a (new) subgraph input.
    private Value SubgraphValue(Node group, Graph sub, Value outer)
    {
        if (IsCopiedConstant(outer))
        {
            var wanted = _constantOrigins.TryGetValue(outer, out var known) && known.Node.IsInserted ? known : outer;
            foreach (var c in sub.Block.Nodes.TakeWhile(m => m.Kind == "prim::Constant"))
                if (_constantOrigins.TryGetValue(c.Output(), out var origin) && origin == wanted) return c.Output();
            var copy = sub.Block.PrependNode(sub.CreateClone(outer.Node, _ => throw new Errors.JitIrException("a constant has no inputs")));
            // A constant made by inlining another group stands for that group's original.
            _constantOrigins[copy.Output()] = _constantOrigins.TryGetValue(outer, out var first) && first.Node.IsInserted ? first : outer;
            return copy.Output();
        }
        for (int i = 0; i < group.Inputs.Count; i++)
            if (group.Inputs[i] == outer) return sub.Inputs[i];
        group.AddInput(outer);
        return sub.AddInput().CopyMetadataFrom(outer);
    }

    // Numbers, strings, lists of them, None and 0-dim tensors are part of the kernel's code;
    // larger tensor constants (weights) are buffers the kernel reads, so they stay inputs.
    private static bool IsCopiedConstant(Value v) =>
        v.Node.Kind == "prim::Constant" && v.Node.Outputs.Count == 1
        && (v.Type is not TensorType || v.Node.GetAttribute("value")?.Value is Tensor { Rank: 0 });

    /// <summary>Inlines <paramref name="producer"/> (a group just before <paramref name="group"/>) and merges its nodes one by one.</summary>
    private void MergeGroupInto(Node producer, Node group)
    {
        var (nodes, madeConstants) = Inline(producer);
        // The inlined nodes sit just before the group in order; merging the last first keeps it adjacent.
        for (int i = nodes.Count - 1; i >= 0; i--) MergeNodeInto(nodes[i], group);
        foreach (var c in madeConstants)
            if (!c.Output().HasUses) c.Destroy();
    }

    /// <summary>PyTorch's <c>unmergeSubgraph</c>: the group's nodes go back where it was.</summary>
    private void Unmerge(Node group) => Inline(group);

    // Replaces the group by its nodes; returns the computing nodes inlined and the constants that had to be made.
    private (List<Node> Nodes, List<Node> Constants) Inline(Node group)
    {
        var sub = Subgraph(group);
        var graph = group.Graph;
        var map = new Dictionary<Value, Value>();
        for (int i = 0; i < sub.Inputs.Count; i++) map[sub.Inputs[i]] = group.Inputs[i];
        var nodes = new List<Node>();
        var constants = new List<Node>();
        foreach (var n in sub.Block.Nodes)
        {
            if (n.Kind == "prim::Constant" && _constantOrigins.TryGetValue(n.Output(), out var origin)
                && origin.Node.IsInserted && Dominates(origin.Node, group))
            {
                map[n.Output()] = origin;
                continue;
            }
            var clone = graph.CreateClone(n, v => map[v]).InsertBefore(group);
            for (int o = 0; o < n.Outputs.Count; o++) map[n.Outputs[o]] = clone.Outputs[o];
            if (n.Kind == "prim::Constant")
            {
                // Still a copy of the same origin: merging it again elsewhere finds the original.
                if (_constantOrigins.TryGetValue(n.Output(), out var o2)) _constantOrigins[clone.Output()] = o2;
                constants.Add(clone);
            }
            else nodes.Add(clone);
        }
        for (int i = 0; i < group.Outputs.Count; i++) group.Outputs[i].ReplaceAllUsesWith(map[sub.Outputs[i]]);
        group.Destroy();
        return (nodes, constants);
    }

    // Whether `def` is visible at `user`: it is earlier, in the user's block or one enclosing it.
    private static bool Dominates(Node def, Node user) =>
        def.Owner is { } b && user.IsDescendantOfBlock(b) && def.IsBefore(user);
}
