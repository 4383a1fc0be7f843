using Jit.Ir;
using Jit.Ops;
using Jit.Passes.Analysis;
using Jit.Runtime;

namespace Jit.Passes;

// Which nodes may be fused by default.
public sealed partial class TensorExprFuser
{
    /// <summary>
    /// The default fusibility rule: the registry calls the op <see cref="OpKind.Elementwise"/> or
    /// <see cref="OpKind.Reduction"/> (softmax, log_softmax and layer_norm among them; never an
    /// extern, view or host op); it writes nothing, has no side effects, is deterministic, returns
    /// fresh tensors (no alias of an input) with known dtype and rank; each tensor input has a known
    /// dtype and rank, all on one device; every other input is a constant or a number; and no node
    /// of the graph writes to memory its inputs or outputs may alias.
    /// </summary>
    public static bool IsFusibleByDefault(Node n, AliasAnalysis alias)
    {
        if (n.Blocks.Count > 0 || n.Outputs.Count == 0) return false;
        var op = AliasAnalysis.TryGetOp(n);
        if (op is null || op.Kind is not (OpKind.Elementwise or OpKind.Reduction)) return false;
        if (op.HasSideEffects || op.MutatesInputs || AliasAnalysis.IsNondeterministic(n)) return false;
        var schema = op.Schema;
        if (schema.IsVararg || schema.IsVarret || schema.Returns.Any(r => r.Alias is not null || r.ElementAlias is not null)) return false;
        if (!n.Outputs.All(o => o.Type is TensorType { DType: not null, Rank: not null })) return false;
        foreach (var v in n.Inputs)
        {
            bool ok = v.Type switch
            {
                TensorType t => t.DType is not null && t.Rank is not null && t.Undefined != true,
                IntType or FloatType or BoolType or NumberType => true,
                _ => v.Node.Kind == "prim::Constant",
            };
            if (!ok) return false;
        }
        if (PickDevice(n.Inputs.Concat(n.Outputs)) is null) return false;
        return !alias.HasWriters(n);
    }
}
