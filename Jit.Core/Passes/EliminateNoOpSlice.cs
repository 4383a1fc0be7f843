using Jit.Ir;
using Jit.Passes.Analysis;
using Jit.Runtime;

namespace Jit.Passes;

/// <summary>
/// Removes slices that take everything: <c>aten::slice</c> with start 0 or None, end None,
/// <c>INT64_MAX</c> or at least the (known) size, and step 1, as PyTorch's
/// <c>EliminateNoOpSlice</c>. A list slice makes a new list, so it goes only when neither list
/// is ever written to; a tensor slice is a view of all of its input, so it goes unless something
/// changes the view's own shape in place (<c>unsqueeze_</c>, <c>resize_</c>…).
/// </summary>
public sealed class EliminateNoOpSlice : IGraphPass
{
    private static readonly HashSet<string> MetadataWriters = new(StringComparer.Ordinal)
    {
        "aten::unsqueeze_", "aten::squeeze_", "aten::transpose_", "aten::t_", "aten::resize_", "aten::resize_as_",
        "aten::as_strided_", "aten::set_", "aten::swapdims_", "aten::swapaxes_", "aten::detach_",
    };

    public string Name => nameof(EliminateNoOpSlice);

    public bool Run(Graph graph)
    {
        var aliases = new AliasAnalysis(graph);
        bool changed = false;
        foreach (var n in graph.AllNodes().Where(n => n.Kind == "aten::slice").ToList())
        {
            if (!IsNoOp(n, aliases)) continue;
            n.Output().ReplaceAllUsesWith(n.Inputs[0]);
            n.Destroy();
            changed = true;
        }
        return changed;
    }

    private static bool IsNoOp(Node n, AliasAnalysis aliases)
    {
        if (n.Outputs.Count != 1) return false;
        var input = n.Inputs[0];
        if (input.Type is ListType && n.Inputs.Count == 4)
        {
            if (!IsZeroOrNone(n.Inputs[1]) || !IsEndOfEverything(n.Inputs[2], null) || ConstInt(n.Inputs[3]) != 1) return false;
            return !aliases.HasWriters(input) && !aliases.HasWriters(n.Output());
        }
        if (input.Type is TensorType t && n.Inputs.Count == 5)
        {
            long? size = null;
            if (ConstInt(n.Inputs[1]) is { } dim && t.Sizes is { } sizes)
            {
                long d = dim < 0 ? dim + sizes.Count : dim;
                if (d >= 0 && d < sizes.Count && sizes[(int)d] is { IsStatic: true } s) size = s.Value;
            }
            if (!IsZeroOrNone(n.Inputs[2]) || !IsEndOfEverything(n.Inputs[3], size) || ConstInt(n.Inputs[4]) != 1) return false;
            return !aliases.Writers(n.Output()).Any(w => MetadataWriters.Contains(w.Kind) || AliasAnalysis.TryGetOp(w) is null);
        }
        return false;
    }

    private static bool IsZeroOrNone(Value v) => IsNone(v) || ConstInt(v) == 0;

    private static bool IsEndOfEverything(Value v, long? size) =>
        IsNone(v) || ConstInt(v) is { } e && (e == long.MaxValue || size is { } s && s >= 0 && e >= s);

    private static bool IsNone(Value v) => v.Type is NoneType || v.Node.Kind == "prim::Constant" && Constants.Evaluate(v.Node).IsNone;

    private static long? ConstInt(Value v) =>
        v.Node.Kind == "prim::Constant" && Constants.Evaluate(v.Node) is { IsInt: true } c ? c.AsInt : null;
}
