using Jit.Errors;
using Jit.Ir;

namespace Jit.Passes.Support;

/// <summary>
/// The clean-up PyTorch's folding passes end with (<c>EliminateDeadCode</c> at the end of
/// <c>ConstantPropagation</c>): nodes whose outputs are unused and that have no effect beyond them
/// are removed. Narrower than the dead-code pass: nodes with blocks, side effects, writes, or an
/// op the registry does not know always stay.
/// </summary>
internal static class UnusedNodes
{
    private static readonly HashSet<string> PureStructural = new(StringComparer.Ordinal)
    {
        "prim::Constant", "prim::GetAttr", "prim::ListConstruct", "prim::TupleConstruct",
        "prim::ListUnpack", "prim::TupleUnpack", "prim::TupleIndex", "prim::DictConstruct",
    };

    /// <summary>Removes unused pure nodes anywhere in <paramref name="block"/>; returns whether any was removed.</summary>
    public static bool Remove(Block block)
    {
        bool changed = false;
        foreach (var node in block.NodesReversed)
        {
            foreach (var b in node.Blocks) changed |= Remove(b);
            if (node.Outputs.Any(o => o.HasUses) || !IsPure(node)) continue;
            node.Destroy();
            changed = true;
        }
        return changed;
    }

    private static bool IsPure(Node node)
    {
        if (node.Blocks.Count > 0) return false;
        if (PureStructural.Contains(node.Kind)) return true;
        try
        {
            var op = node.Op;
            return !op.HasSideEffects && !op.MutatesInputs && op.Kind != Ops.OpKind.Prim;
        }
        catch (JitException)
        {
            return false;
        }
    }
}
