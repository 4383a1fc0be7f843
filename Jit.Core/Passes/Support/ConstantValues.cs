using Jit.Ir;
using Jit.Runtime;

namespace Jit.Passes.Support;

/// <summary>Which runtime values a <c>prim::Constant</c> can hold, and how folding passes insert one.</summary>
internal static class ConstantValues
{
    /// <summary>
    /// Tensors, numbers, bools, strings, None, devices, and lists/tuples of those: what PyTorch's
    /// <c>insertConstant</c> accepts. Objects and dicts are not constants (they have identity).
    /// </summary>
    public static bool CanBeConstant(IValue v) => v.Tag switch
    {
        IValueTag.None or IValueTag.Int or IValueTag.Double or IValueTag.Bool or IValueTag.String
            or IValueTag.Device or IValueTag.Tensor => true,
        IValueTag.List => v.AsList.Items.All(CanBeConstant),
        IValueTag.Tuple => v.AsTuple.Items.All(CanBeConstant),
        _ => false,
    };

    /// <summary>
    /// A new <c>prim::Constant</c> holding <paramref name="v"/>, inserted at the graph's insertion
    /// point. Its type is the value's own (a complete tensor type, <c>int</c>, <c>NoneType</c>…);
    /// containers keep <paramref name="declared"/>, which carries their element types.
    /// </summary>
    public static Value Insert(Graph graph, IValue v, JitType declared)
    {
        var node = graph.InsertNode("prim::Constant");
        Constants.SetValue(node, v);
        var output = node.Output();
        output.Type = Ops.AbstractValue.LeafTypeOf(v) ?? declared;
        return output;
    }

    /// <summary>The constant's value, or null when it has none we can use (a printed-only tensor, a function).</summary>
    public static IValue? TryEvaluate(Node constant)
    {
        if (constant.Kind != "prim::Constant" || constant.Outputs.Count != 1) return null;
        if (constant.GetAttribute("value") is { Value: PrintedValue }) return null;
        // A function or class constant has a name attribute and no value.
        if (constant.GetAttribute("value") is null && constant.Attributes.Count > 0) return null;
        try
        {
            return Constants.Evaluate(constant);
        }
        catch (Errors.JitException)
        {
            return null;
        }
    }
}
