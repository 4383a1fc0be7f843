using Jit.Ir;
using Jit.Runtime;

namespace Jit.Passes;

// Queries about a tensor whose answer this runtime fixes for every run, whatever the tensor.
public sealed partial class Peephole
{
    /// <summary>
    /// <c>prim::is_nested(t)</c> and <c>prim::requires_grad(t)</c> are false: the runtime has no
    /// nested tensors and runs inference as under <c>torch.no_grad()</c>, so no tensor it sees
    /// requires grad (the interpreter answers both the same way, for any input). PyTorch cannot
    /// fold them, its graphs being trainable; models such as nn.MultiheadAttention test them to
    /// choose between their fast and general paths. Device queries are not folded here: their
    /// answer depends on the device the graph will run on.
    /// </summary>
    private static bool FoldFixedTensorQuery(Node node)
    {
        if (node.Inputs.Count != 1 || node.Outputs.Count != 1 || node.Inputs[0].Type is not TensorType) return false;
        return ReplaceWithConstant(node, IValue.FromBool(false), BoolType.Instance);
    }
}
