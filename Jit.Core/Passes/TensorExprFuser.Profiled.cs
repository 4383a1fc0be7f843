using Jit.Ir;
using Jit.Passes.Analysis;
using Jit.Runtime;

namespace Jit.Passes;

// Fusing a graph whose inputs are declared plain `Tensor` (every TorchScript module's forward):
// PyTorch fuses what its profiling runs observed; here example inputs play that part.
public sealed partial class TensorExprFuser
{
    /// <summary>
    /// The input types fusion specializes to from example inputs (one per graph input, or one
    /// fewer when the graph takes <c>self</c> first): each tensor's dtype and rank with every
    /// size left symbolic, so that other batch sizes reuse the same groups; null for the rest.
    /// </summary>
    public static JitType?[] ProfiledInputTypes(Graph graph, IReadOnlyList<IValue> inputs)
    {
        int skip = graph.Inputs.Count - inputs.Count;
        if (skip is not (0 or 1))
            throw new Errors.JitTypeException($"the graph takes {graph.Inputs.Count} inputs but {inputs.Count} examples were given");
        var types = new JitType?[graph.Inputs.Count];
        for (int i = 0; i < inputs.Count; i++)
        {
            if (!inputs[i].IsTensor) continue;
            var t = inputs[i].AsTensor;
            types[i + skip] = new TensorType { DType = t.DType, Sizes = new ShapeSymbol?[t.Rank] };
        }
        return types;
    }

    /// <summary>
    /// Symbolic shape analysis from <see cref="ProfiledInputTypes"/>, then fusion; the graph's
    /// inputs get their declared types back, so the graph still takes whatever it took (another
    /// dtype or rank goes down the guards' fallback paths instead of failing at the boundary).
    /// </summary>
    public bool RunProfiled(Graph graph, IReadOnlyList<IValue> inputs)
    {
        var declared = graph.Inputs.Select(v => v.Type).ToArray();
        ShapeAnalysis.PropagateSymbolic(graph, ProfiledInputTypes(graph, inputs));
        bool changed = Run(graph);
        for (int i = 0; i < declared.Length; i++) graph.Inputs[i].Type = declared[i];
        return changed;
    }
}
