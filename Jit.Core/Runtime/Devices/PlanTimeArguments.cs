using Jit.Errors;
using Jit.Ir;

namespace Jit.Runtime.Devices;

/// <summary>
/// What a plan knows of a node's arguments before anything runs: constants as they are, tensors of
/// complete types as placeholders on the device (dtype, sizes and strides, no memory), lists built
/// of such, and the schema's defaults for arguments left out. The questions a backend answers at plan
/// time (which kernel runs the node) are asked with these.
/// </summary>
public static class PlanTimeArguments
{
    /// <summary>Every schema argument of <paramref name="node"/>, or null when one is not known before running.</summary>
    public static IValue[]? Of(Node node, Device device)
    {
        IReadOnlyList<Ops.Argument> schema;
        try { schema = node.Schema.Arguments; }
        catch (JitSchemaException) { return null; }
        var args = new IValue[schema.Count];
        for (int i = 0; i < args.Length; i++)
        {
            if (i >= node.Inputs.Count) args[i] = schema[i].DefaultValue ?? IValue.None;
            else if (Of(node.Input(i), device) is { } v) args[i] = v;
            else return null;
        }
        return args;
    }

    /// <summary>The value of <paramref name="v"/> as far as it is known before running, or null.</summary>
    public static IValue? Of(Value v, Device device)
    {
        if (v.Node.Kind == "prim::Constant")
        {
            var c = Constants.Evaluate(v.Node);
            if (!c.IsTensor) return c;
            return Placeholder(TensorType.FromTensor(c.AsTensor), device);
        }
        if (v.Type is TensorType t) return Placeholder(t, device);
        if (v.Node.Kind == "prim::ListConstruct" && v.Type is ListType list)
        {
            var items = new List<IValue>();
            foreach (var item in v.Node.Inputs)
            {
                if (Of(item, device) is not { } m) return null;
                items.Add(m);
            }
            return IValue.FromList(new IValueList(list.Element, items));
        }
        return null;
    }

    private static IValue? Placeholder(TensorType t, Device device) =>
        PlaceholderBuffer.TensorOf(t, device) is { } p ? IValue.FromTensor(p) : (IValue?)null;
}
