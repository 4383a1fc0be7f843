using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;

namespace Jit.Passes;

// No-op views and conversions, and size queries answered from known shapes.
public sealed partial class Peephole
{
    /// <summary>
    /// <c>contiguous(x)</c> is x when x is known contiguous: its strides are known and row-major,
    /// or it is itself the result of <c>contiguous</c>. Only for the default memory format.
    /// </summary>
    private static bool RedundantContiguous(Node node)
    {
        if (node.Inputs.Count > 1 && AbstractValue.Of(node.Inputs[1]).Constant is { IsInt: true } mf && mf.AsInt != ContiguousFormat)
            return false;
        var x = node.Inputs[0];
        bool known = x.Node.Kind == "aten::contiguous" && (x.Node.Inputs.Count < 2 || AbstractValue.Of(x.Node.Inputs[1]).IsNone
            || AbstractValue.Of(x.Node.Inputs[1]).Constant is { IsInt: true, AsInt: ContiguousFormat });
        if (!known && x.Type is TensorType { Sizes: { } sizes, Strides: { } strides } && sizes.Count == strides.Count)
            known = IsRowMajor(sizes, strides);
        return known && ReplaceWith(node, x);
    }

    // c10::MemoryFormat::Contiguous.
    private const long ContiguousFormat = 0;

    private static bool IsRowMajor(IReadOnlyList<ShapeSymbol?> sizes, IReadOnlyList<long?> strides)
    {
        long expected = 1;
        for (int i = sizes.Count - 1; i >= 0; i--)
        {
            if (sizes[i] is not { IsStatic: true } s || strides[i] is not { } st) return false;
            if (s.Value != 1 && st != expected) return false;
            expected *= s.Value;
        }
        return true;
    }

    /// <summary>
    /// <c>x.to(dtype/device)</c> is x when it neither copies nor changes anything: copy=False,
    /// dtype None or x's known dtype, device None or x's known device, memory format None.
    /// </summary>
    private static bool RedundantTo(Node node)
    {
        if (node.Outputs.Count != 1 || node.Inputs[0].Type is not TensorType xt) return false;
        FunctionSchema schema;
        try { schema = node.Schema; }
        catch (Errors.JitException) { return false; }
        var args = OpArgs.FromNode(node, schema);
        for (int i = 1; i < schema.Arguments.Count && i < args.Count; i++)
        {
            var a = args[i];
            switch (schema.Arguments[i].Name)
            {
                case "copy":
                    if (a.Constant is not { IsBool: true, AsBool: false }) return false;
                    break;
                case "dtype":
                    if (a.IsNone) break;
                    if (a.Constant is not { IsInt: true } d || xt.DType is not { } xd || (long)xd != d.AsInt) return false;
                    break;
                case "device":
                    if (a.IsNone) break;
                    if (a.Constant is not { IsDevice: true } dev || xt.Device is not { } xdev || !xdev.Equals(dev.AsDevice)) return false;
                    break;
                case "other":
                    if (a.Tensor is not { DType: { } od } ot || od != xt.DType || ot.Device is null || !ot.Device.Equals(xt.Device)) return false;
                    break;
                case "memory_format" or "layout" or "pin_memory":
                    if (!a.IsNone) return false;
                    break;
                case "non_blocking":
                    break;
                default:
                    return false;
            }
        }
        return ReplaceWith(node, node.Inputs[0]);
    }

    /// <summary>
    /// <c>expand</c>, <c>view</c>, <c>reshape</c> to the shape x already has (each size equal to x's
    /// dim, static or the same symbol; -1 allowed once) are x.
    /// </summary>
    private static bool SameShapeView(Node node)
    {
        if (node.Inputs.Count < 2 || node.Outputs.Count != 1) return false;
        if (node.Inputs[0].Type is not TensorType { Sizes: { } sizes }) return false;
        FunctionSchema schema;
        try { schema = node.Schema; }
        catch (Errors.JitException) { return false; }
        var target = OpArgs.FromNode(node, schema).SizeList(1);
        if (target is null || target.Length != sizes.Count) return false;
        int inferred = 0;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] == OpArgs.InferDim)
            {
                // expand's -1 keeps the dim; view's infers it, once, and equals x's when the rest do.
                if (node.Kind != "aten::expand" && ++inferred > 1) return false;
                continue;
            }
            if (target[i] is not { } t || sizes[i] is not { } s || t != s) return false;
        }
        return ReplaceWith(node, node.Inputs[0]);
    }

    /// <summary>
    /// <c>dim(x)</c>, <c>size(x, d)</c>, <c>size(x)</c>, <c>len(size(x))</c>, <c>size(x)[i]</c> and
    /// <c>prim::dtype(x)</c> become constants when x's type answers them statically.
    /// </summary>
    private static bool FoldSizeQuery(Node node)
    {
        if (node.Outputs.Count != 1) return false;
        switch (node.Kind)
        {
            case "aten::dim" when node.Inputs.Count == 1 && node.Inputs[0].Type is TensorType { Rank: { } r }:
                return ReplaceWithConstant(node, IValue.FromInt(r), IntType.Instance);
            case "prim::dtype" when node.Inputs[0].Type is TensorType { DType: { } dt }:
                return ReplaceWithConstant(node, IValue.FromInt((long)dt), IntType.Instance);
            case "aten::size" when node.Inputs.Count == 2 && node.Inputs[0].Type is TensorType:
                return AbstractValue.Of(node.Output()).Constant is { IsInt: true } c
                    && ReplaceWithConstant(node, c, IntType.Instance);
            case "aten::size" when node.Inputs.Count == 1 && node.Inputs[0].Type is TensorType { ConcreteSizes: { } all }:
                return ReplaceWithConstant(node, IntList(all), ListType.OfInts);
            case "aten::len" when node.Inputs.Count == 1 && node.Inputs[0].Node is { Kind: "aten::size" } s
                                  && s.Inputs.Count == 1 && s.Inputs[0].Type is TensorType { Rank: { } r }:
                return ReplaceWithConstant(node, IValue.FromInt(r), IntType.Instance);
            case "aten::__getitem__" when node.Inputs.Count == 2 && node.Inputs[0].Node is { Kind: "aten::size" } s
                                          && s.Inputs.Count == 1 && s.Inputs[0].Type is TensorType { Sizes: { } sizes }
                                          && AbstractValue.Of(node.Inputs[1]).Constant is { IsInt: true } i:
            {
                long k = i.AsInt < 0 ? i.AsInt + sizes.Count : i.AsInt;
                return k >= 0 && k < sizes.Count && sizes[(int)k] is { IsStatic: true } d
                    && ReplaceWithConstant(node, IValue.FromInt(d.Value), IntType.Instance);
            }
            default:
                return false;
        }
    }

    private static IValue IntList(long[] values) =>
        IValue.FromList(new IValueList(IntType.Instance, values.Select(IValue.FromInt).ToList()));
}
