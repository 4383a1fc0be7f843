using Jit.Ir;
using Jit.Ops;
using Jit.Passes.Analysis;

namespace Jit.Passes;

/// <summary>
/// Rewrites in-place tensor ops (<c>aten::add_</c>, <c>aten::relu_</c>…) to their functional
/// overloads where alias analysis proves nobody can tell, as PyTorch's <c>RemoveTensorMutation</c>:
/// <code>
///   %b = aten::clone(%x)          %b = aten::clone(%x)
///   %c = aten::add_(%b, %y)   =>  %c = aten::add(%b, %y)
///   return (%b)                   return (%c)
/// </code>
/// The mutated value must be memory this graph created in the same block as the write (not a
/// graph input, attribute, constant or block/loop value, not a view of another value), nothing
/// else that aliases it may be read after the write, and the functional overload (the name
/// without the trailing underscore, same arguments) must give the same dtype.
/// </summary>
public sealed class RemoveTensorMutation : IGraphPass
{
    public string Name => nameof(RemoveTensorMutation);

    public bool Run(Graph graph)
    {
        bool changed = false;
        // Each rewrite changes aliasing (the result is a new memory location): re-analyse after it.
        while (true)
        {
            var aliases = new AliasAnalysis(graph);
            var rewrite = graph.AllNodes().Select(n => (Node: n, Functional: Candidate(n, aliases))).FirstOrDefault(c => c.Functional is not null);
            if (rewrite.Functional is null) return changed;
            Rewrite(graph, rewrite.Node, rewrite.Functional);
            changed = true;
        }
    }

    /// <summary>The functional op that can replace <paramref name="n"/>, or null if it is not a safe in-place op.</summary>
    private static OpDef? Candidate(Node n, AliasAnalysis aliases)
    {
        if (!IsInPlaceName(n.Kind) || n.Inputs.Count == 0 || n.Outputs.Count != 1) return null;
        var op = AliasAnalysis.TryGetOp(n);
        if (op is null || op.HasSideEffects) return null;
        var args = op.Schema.Arguments;
        // Exactly the first argument, a tensor, is written, and the result is that same tensor.
        if (args.Count == 0 || args[0].Alias is not { IsWrite: true } || args.Skip(1).Any(a => a.IsWrite)) return null;
        if (n.Inputs[0].Type is not TensorType || op.Schema.Returns.Count != 1) return null;
        var self = n.Inputs[0];
        var output = n.Outputs[0];
        if (!IsFreshLocalTensor(self, n, aliases)) return null;
        if (!OthersUnreadAfter(self, output, n, aliases)) return null;
        var functional = FunctionalOverload(n);
        if (functional is null || !SameDType(n, functional)) return null;
        return functional;
    }

    // `add_` but not `__iadd__`-style dunders.
    private static bool IsInPlaceName(string kind) => kind.EndsWith('_') && !kind.EndsWith("__", StringComparison.Ordinal);

    // Memory this graph made, in the block of the write, from a plain op: not an input, an
    // attribute, a constant, a block or loop value, and not a view of the producer's inputs.
    private static bool IsFreshLocalTensor(Value self, Node write, AliasAnalysis aliases)
    {
        var producer = self.Node;
        if (producer.Kind is "prim::Param" or "prim::GetAttr" or "prim::Constant" || producer.Blocks.Count > 0) return false;
        if (producer.Owner != write.Owner) return false;
        return aliases.IsFresh(self) && !aliases.HasSideEffects(producer);
    }

    // Every other value that may alias (or hold) self and exists before the write must be dead
    // after it: after the rewrite it would no longer see the update. Values made after the write
    // from self are made from the new value instead; the outputs of the If or Loop around the
    // write come from its block's outputs, which are uses after the write and are redirected too.
    private static bool OthersUnreadAfter(Value self, Value output, Node write, AliasAnalysis aliases)
    {
        foreach (var n in AllNodesWithParams(write.Graph))
        {
            if (!n.IsBefore(write) || write.IsDescendantOf(n)) continue;
            foreach (var v in n.Outputs)
            {
                if (v == self || v == output || !aliases.IsMutable(v)) continue;
                if (!aliases.MayContainAlias(v, self)) continue;
                if (v.Uses.Any(u => !u.User.IsBefore(write) || u.User == write)) return false;
            }
        }
        return true;
    }

    private static IEnumerable<Node> AllNodesWithParams(Graph g)
    {
        yield return g.Block.ParamNode;
        foreach (var n in g.AllNodes())
        {
            yield return n;
            foreach (var b in n.Blocks) yield return b.ParamNode;
        }
    }

    /// <summary>The overload of the name without the underscore that takes the same arguments and writes nothing.</summary>
    private static OpDef? FunctionalOverload(Node n)
    {
        var name = n.Kind[..^1];
        var actuals = n.Inputs.Select(v => v.Type).ToArray();
        foreach (var op in OpRegistry.Default.Overloads(name))
        {
            if (op.Schema.IsMutable || op.Schema.Returns.Count != 1 || op.HasSideEffects) continue;
            if (OpRegistry.Matches(op.Schema, actuals)) return op;
        }
        return null;
    }

    // In place, the result keeps self's dtype; the functional op promotes. They agree when no
    // other tensor takes part, or every tensor's dtype is known and the same.
    private static bool SameDType(Node n, OpDef functional)
    {
        var self = (TensorType)n.Inputs[0].Type;
        var others = n.Inputs.Skip(1).Select(v => v.Type).OfType<TensorType>().ToArray();
        if (others.Length == 0) return true;
        return self.DType is { } d && others.All(t => t.DType == d) && functional.Schema.Returns[0].Type is TensorType;
    }

    private static void Rewrite(Graph graph, Node n, OpDef functional)
    {
        Node f;
        using (graph.InsertPointAt(n))
        {
            f = graph.InsertNode(functional.Schema.Name, n.Inputs);
        }
        f.SourceRange = n.SourceRange;
        f.Scope = n.Scope;
        var self = n.Inputs[0];
        var output = n.Outputs[0];
        f.Output().SetType(output.Type);
        if (output.HasDebugName)
        {
            string name = output.DebugName!;
            output.SetDebugName(null);
            f.Output().SetDebugName(name);
        }
        self.ReplaceAllUsesAfterNodeWith(n, f.Output());
        output.ReplaceAllUsesWith(f.Output());
        n.Destroy();
    }
}
