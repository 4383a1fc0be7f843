using Jit.Ir;
using Jit.Passes.Support;

namespace Jit.Runtime.Static;

// A plan's signature fixes the value of each number input (see InputSignature), so its graph may
// read them as constants: conditions, sizes and loop trip counts computed from them fold.
internal sealed partial class StaticModuleBuilder
{
    private static void UseNumberInputsAsConstants(Graph graph, List<IValue> inputs)
    {
        for (int i = 0; i < inputs.Count; i++)
        {
            var v = inputs[i];
            var input = graph.Inputs[i];
            if (!(v.IsInt || v.IsDouble || v.IsBool) || !input.HasUses) continue;
            using (graph.InsertPointAt(graph.Block.Nodes.FirstOrDefault() ?? graph.Block.ReturnNode))
                input.ReplaceAllUsesWith(ConstantValues.Insert(graph, v, input.Type));
        }
    }
}
