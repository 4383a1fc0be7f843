using Jit.Ir;

namespace Jit.Passes;

/// <summary>
/// Folds appends into the construction of the list they grow, as PyTorch's <c>RemoveListMutation</c>:
/// <code>
///   %l = prim::ListConstruct(%a)
///   %c = aten::append(%l, %b)     =>   %l = prim::ListConstruct(%a, %b)
///   %r = aten::all(%l)                 %r = aten::all(%l)
/// </code>
/// Only appends in the list's own block that come before any other use of it: up to there nothing
/// can have seen the list, so building it whole (the construction moved down to the append) is the
/// same. A list nobody mutates any more can then be folded by ConstantPropagation.
/// </summary>
public sealed class RemoveListMutation : IGraphPass
{
    public string Name => nameof(RemoveListMutation);

    public bool Run(Graph graph)
    {
        bool changed = false;
        foreach (var construct in graph.AllNodes().Where(n => n.Kind == "prim::ListConstruct").ToList())
            changed |= AbsorbAppends(construct);
        return changed;
    }

    private static bool AbsorbAppends(Node construct)
    {
        var list = construct.Output();
        bool changed = false;
        for (var n = construct.Next; n is not null; n = n.Next)
        {
            if (!Uses(n, list)) continue;
            if (n.Kind != "aten::append" || n.Inputs.Count != 2 || n.Inputs[0] != list || n.Inputs[1] == list) break;
            // The appended value may be defined after the construction: build the list here instead.
            construct.MoveBefore(n);
            construct.AddInput(n.Inputs[1]);
            n.Output().ReplaceAllUsesWith(list);
            var next = construct;
            n.Destroy();
            n = next;
            changed = true;
        }
        return changed;
    }

    /// <summary>Whether <paramref name="n"/>, or a node in its blocks, reads <paramref name="v"/>.</summary>
    private static bool Uses(Node n, Value v) =>
        n.Inputs.Contains(v) || n.Blocks.Any(b => b.ReturnNode.Inputs.Contains(v) || b.Nodes.Any(inner => Uses(inner, v)));
}
