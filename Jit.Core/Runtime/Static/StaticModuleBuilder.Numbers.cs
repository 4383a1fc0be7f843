using Jit.Ir;
using Jit.Passes.Support;

namespace Jit.Runtime.Static;

// A plan's signature fixes the value of each number input and which optional inputs are None (see
// InputSignature), so its graph may read them as constants: conditions, sizes and loop trip counts
// computed from them fold, and so does the `if mask is not None` of a mask left at its default.
internal sealed partial class StaticModuleBuilder
{
    private static void UseNumberInputsAsConstants(Graph graph, List<IValue> inputs)
    {
        for (int i = 0; i < inputs.Count; i++)
        {
            var v = inputs[i];
            var input = graph.Inputs[i];
            if (!(v.IsInt || v.IsDouble || v.IsBool || v.IsNone) || !input.HasUses) continue;
            using (graph.InsertPointAt(graph.Block.Nodes.FirstOrDefault() ?? graph.Block.ReturnNode))
                input.ReplaceAllUsesWith(ConstantValues.Insert(graph, v, input.Type));
        }
    }
}
