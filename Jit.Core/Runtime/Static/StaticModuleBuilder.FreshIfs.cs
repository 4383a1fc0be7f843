using Jit.Errors;
using Jit.Ir;

namespace Jit.Runtime.Static;

// prim::If nodes that write fresh buffers, as an out-variant does: the fusion guard
// (If(TypeCheck) { group } else { fallback }) is the case that matters.
internal sealed partial class StaticModuleBuilder
{
    private readonly HashSet<Node> _freshIfs = [];

    /// <summary>
    /// Finds the top-level <c>prim::If</c>s whose outputs the planner may place like an
    /// out-variant's: every output a tensor of static dtype and sizes, and each branch result made
    /// in its branch by an op returning a new tensor (a fusion group, or an op whose schema gives
    /// its result no alias) that nothing but the branch's return uses, so the result is the If's
    /// output and nothing else. A result whose node runs as an out-variant, with every output of
    /// that node a result of the same type as the If's, takes the If output's slot and is written
    /// in place; any other is copied into it when its branch runs (<see cref="IfStep"/>).
    /// </summary>
    private void FindFreshIfs()
    {
        foreach (var n in _graph.Block.Nodes)
        {
            if (n.Kind != "prim::If" || n.Outputs.Count == 0 || !n.Outputs.All(HasStaticTensorType)) continue;
            if (!n.Blocks.All(b => b.Outputs.All(v => IsFreshResult(b, v)))) continue;
            _freshIfs.Add(n);
            foreach (var b in n.Blocks)
            {
                var producers = b.Outputs.Select(v => v.Node).Distinct();
                foreach (var p in producers.Where(p => HasOutVariant(p) && p.Outputs.All(o => ResultOf(n, b, o) is { } r && SameType(o, r))))
                {
                    foreach (var o in p.Outputs) _slots[o] = Slot(ResultOf(n, b, o)!);
                    _outVariant.Add(p);
                }
            }
        }
    }

    private static bool HasStaticTensorType(Value v) => v.Type is TensorType { DType: not null, ConcreteSizes: not null };

    private bool IsFreshResult(Block b, Value v) =>
        v.Node.Owner == b && v.Uses.Count == 1 && v.Uses[0].User == b.ReturnNode && ReturnsNewTensor(v.Node);

    // The If output a branch value becomes, or null when it is no result of that branch.
    private static Value? ResultOf(Node ifNode, Block b, Value v)
    {
        for (int i = 0; i < b.Outputs.Count; i++)
            if (b.Outputs[i] == v) return ifNode.Outputs[i];
        return null;
    }

    private static bool SameType(Value a, Value b) =>
        a.Type is TensorType { DType: { } da, ConcreteSizes: { } sa } && b.Type is TensorType { DType: { } db, ConcreteSizes: { } sb }
        && da == db && sa.AsSpan().SequenceEqual(sb);

    private static bool ReturnsNewTensor(Node n)
    {
        if (n.Kind == Interpreter.TensorExprGroupKind) return true;
        if (IsStructural(n) || n.Blocks.Count > 0 || !TryOverloadName(n, out _)) return false;
        try
        {
            var schema = n.Schema;
            return !schema.IsMutable && schema.Returns.All(r => r.Alias is null && r.ElementAlias is null);
        }
        catch (JitSchemaException)
        {
            return false;
        }
    }
}
