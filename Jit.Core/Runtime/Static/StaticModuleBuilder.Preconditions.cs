using Jit.Ir;
using Jit.Runtime.Devices;

namespace Jit.Runtime.Static;

// Device kernels that state which arguments they run (a template covering some dtypes or layouts):
// asked once per node at plan time, with placeholder tensors of the node's complete types.
internal sealed partial class StaticModuleBuilder
{
    private readonly Dictionary<Node, string?> _declined = [];

    /// <summary>Why the device's kernel for <paramref name="n"/> does not run its arguments, or null when it does (or cannot tell yet).</summary>
    private string? DeviceDeclines(Node n, string overload)
    {
        if (_backend.IsHost || !_backend.Kernels.HasPrecondition(overload)) return null;
        if (_declined.TryGetValue(n, out var known)) return known;
        var args = new IValue[n.Schema.Arguments.Count];
        string? reason = null;
        bool complete = true;
        for (int i = 0; i < args.Length; i++)
        {
            if (i >= n.Inputs.Count)
            {
                args[i] = n.Schema.Arguments[i].DefaultValue ?? IValue.None;
                continue;
            }
            if (MetaValue(n.Input(i)) is { } v) args[i] = v;
            else complete = false;
        }
        if (complete) reason = _backend.Kernels.WhyNot(overload, args);
        _declined[n] = reason;
        return reason;
    }

    // What a plan knows of a value before it runs: a constant, or a placeholder tensor of a complete type.
    private IValue? MetaValue(Value v)
    {
        if (v.Node.Kind == "prim::Constant")
        {
            var c = Constants.Evaluate(v.Node);
            if (!c.IsTensor) return c;
            return PlaceholderBuffer.TensorOf(TensorType.FromTensor(c.AsTensor), _backend.Device) is { } pc ? IValue.FromTensor(pc) : (IValue?)null;
        }
        if (v.Type is TensorType t)
            return PlaceholderBuffer.TensorOf(t, _backend.Device) is { } p ? IValue.FromTensor(p) : (IValue?)null;
        if (v.Node.Kind == "prim::ListConstruct" && v.Type is ListType)
        {
            var items = new List<IValue>();
            foreach (var item in v.Node.Inputs)
            {
                if (MetaValue(item) is not { } m) return null;
                items.Add(m);
            }
            return IValue.FromList(new IValueList(((ListType)v.Type).Element, items));
        }
        return null;
    }
}
