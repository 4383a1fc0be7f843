using Jit.Ir;
using Jit.Runtime;

namespace Jit.Passes;

/// <summary>
/// In eval mode dropout is the identity: <c>aten::dropout</c>, <c>feature_dropout</c>,
/// <c>alpha_dropout</c> and their in-place forms whose <c>train</c> argument is the constant
/// False are replaced by their input, as PyTorch's <c>removeDropout</c>.
/// </summary>
public sealed class RemoveDropout : IGraphPass
{
    private static readonly HashSet<string> Dropouts = new(StringComparer.Ordinal)
    {
        "aten::dropout", "aten::dropout_", "aten::feature_dropout", "aten::feature_dropout_",
        "aten::alpha_dropout", "aten::alpha_dropout_", "aten::feature_alpha_dropout", "aten::feature_alpha_dropout_",
    };

    public string Name => nameof(RemoveDropout);

    public bool Run(Graph graph)
    {
        bool changed = false;
        foreach (var n in graph.AllNodes().Where(n => Dropouts.Contains(n.Kind)).ToList())
        {
            if (n.Inputs.Count != 3 || n.Outputs.Count != 1 || !IsConstantFalse(n.Inputs[2])) continue;
            n.Output().ReplaceAllUsesWith(n.Inputs[0]);
            n.Destroy();
            changed = true;
        }
        return changed;
    }

    private static bool IsConstantFalse(Value v) =>
        v.Node.Kind == "prim::Constant" && Constants.Evaluate(v.Node) is { IsBool: true } b && !b.AsBool;
}
