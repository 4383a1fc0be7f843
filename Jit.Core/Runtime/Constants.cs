using Jit.Errors;
using Jit.Ir;
using Jit.Tensors;

namespace Jit.Runtime;

/// <summary>The value of a <c>prim::Constant</c> node, read from its <c>value</c> attribute and output type.</summary>
public static class Constants
{
    public static IValue Evaluate(Node node)
    {
        var type = node.Output().Type;
        var attr = node.GetAttribute("value");
        if (attr is null) return IValue.None;
        return attr.Value switch
        {
            long l when type is BoolType => IValue.FromBool(l != 0),
            long l => IValue.FromInt(l),
            double d => IValue.FromDouble(d),
            string s when type is DeviceObjType => IValue.FromDevice(Device.Parse(s)),
            string s => IValue.FromString(s),
            Tensor t => IValue.FromTensor(t),
            IValue v => v,
            long[] ls => IValue.FromList(new IValueList(type is ListType { Element: BoolType } ? BoolType.Instance : IntType.Instance,
                ls.Select(x => type is ListType { Element: BoolType } ? IValue.FromBool(x != 0) : IValue.FromInt(x)).ToList())),
            double[] ds => IValue.FromList(new IValueList(FloatType.Instance, ds.Select(IValue.FromDouble).ToList())),
            string[] ss => IValue.FromList(new IValueList(StringType.Instance, ss.Select(IValue.FromString).ToList())),
            Tensor[] ts => IValue.FromList(new IValueList(TensorType.Unknown, ts.Select(IValue.FromTensor).ToList())),
            _ => throw new JitRuntimeException($"prim::Constant with a {attr.Kind} value cannot be evaluated: {attr}"),
        };
    }

    /// <summary>Writes <paramref name="v"/> as the <c>value</c> attribute of a constant node (used by folding passes).</summary>
    public static void SetValue(Node node, IValue v)
    {
        switch (v.Tag)
        {
            case IValueTag.None: node.RemoveAttribute("value"); break;
            case IValueTag.Int: node.SetAttribute("value", Ir.Attribute.Of(v.AsInt)); break;
            case IValueTag.Bool: node.SetAttribute("value", Ir.Attribute.Of(v.AsBool ? 1L : 0L)); break;
            case IValueTag.Double: node.SetAttribute("value", Ir.Attribute.Of(v.AsDouble)); break;
            case IValueTag.String: node.SetAttribute("value", Ir.Attribute.Of(v.AsString)); break;
            case IValueTag.Device: node.SetAttribute("value", Ir.Attribute.Of(v.AsDevice.ToString())); break;
            case IValueTag.Tensor: node.SetAttribute("value", Ir.Attribute.Of(v.AsTensor)); break;
            default: node.SetAttribute("value", Ir.Attribute.Of(v)); break;
        }
    }
}
