using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;

namespace Jit.Passes;

// Matmul patterns that become linear, None tests, and prim::If outputs both branches agree on.
public sealed partial class Peephole
{
    /// <summary>
    /// <c>matmul(x, t(w))</c> and <c>mm(x, t(w))</c> with a 2-D w become <c>linear(x, w)</c>: the
    /// transpose (a view the extern GEMM would have to read strided) disappears, as in the graphs
    /// PyTorch's frozen linear produces.
    /// </summary>
    private static bool MatmulOfTranspose(Node node)
    {
        if (node.Inputs.Count != 2 || node.Outputs.Count != 1) return false;
        var x = node.Inputs[0];
        var wt = node.Inputs[1];
        if (wt.Node.Kind != "aten::t" || wt.Node.Inputs[0].Type is not TensorType { Rank: 2 } w) return false;
        // linear needs x of rank >= 1; mm needs exactly 2; matmul of a 1-D x by a matrix is linear too.
        if (x.Type is not TensorType { Rank: { } xr } || xr < 1 || (node.Kind == "aten::mm" && xr != 2)) return false;
        if (w.DType is null || (x.Type as TensorType)!.DType != w.DType) return false;
        var g = node.Graph;
        var none = g.Create("prim::Constant");
        none.Output().Type = NoneType.Instance;
        none.InsertBefore(node);
        var linear = g.Create("aten::linear", [x, wt.Node.Inputs[0], none.Output()]);
        linear.InsertBefore(node);
        linear.Output().Type = node.Output().Type;
        linear.SourceRange = node.SourceRange;
        linear.Scope = node.Scope;
        node.Output().ReplaceAllUsesWith(linear.Output());
        var transpose = wt.Node;
        node.Destroy();
        if (!transpose.Output().HasUses) transpose.Destroy();
        return true;
    }

    /// <summary>
    /// <c>add(linear(x, w, None), b, 1)</c> with a 1-D b (the bias broadcasts exactly as linear's
    /// does) and the linear used only there becomes <c>linear(x, w, b)</c>.
    /// </summary>
    private static bool AddIntoLinear(Node node)
    {
        if (node.Inputs.Count != 3 || node.Outputs.Count != 1) return false;
        var lin = node.Inputs[0].Node;
        if (lin.Kind != "aten::linear" || lin.Inputs.Count != 3 || !AbstractValue.Of(lin.Inputs[2]).IsNone) return false;
        if (lin.Output().Uses.Count != 1) return false;
        if (AbstractValue.Of(node.Inputs[2]).Constant is not { IsScalar: true } alpha || alpha.AsDouble != 1) return false;
        var b = node.Inputs[1];
        if (b.Type is not TensorType { Rank: 1, DType: { } bd } || lin.Inputs[1].Type is not TensorType { DType: { } wd } || bd != wd)
            return false;
        // The bias length must match the output features where both are known.
        if (b.Type is TensorType { Sizes: [{ } bn] } && lin.Inputs[1].Type is TensorType { Sizes: [{ } outF, _] } && bn != outF && bn != ShapeSymbol.Static(1))
            return false;
        lin.ReplaceInput(2, b);
        if (node.Output().Type is TensorType { IsUnrefined: false } t) lin.Output().Type = t;
        node.Output().ReplaceAllUsesWith(lin.Output());
        node.Destroy();
        return true;
    }

    /// <summary>
    /// <c>a is b</c> / <c>a is not b</c> folded when the types decide it: both None, or one None and
    /// the other of a type that cannot hold None. Also when both are the same SSA value, which is
    /// one object (<c>query is key</c> in self-attention called as <c>attn(x, x, x)</c>).
    /// </summary>
    private static bool FoldIsNone(Node node)
    {
        if (node.Inputs.Count != 2 || node.Outputs.Count != 1) return false;
        bool aNone = IsNoneValue(node.Inputs[0]), bNone = IsNoneValue(node.Inputs[1]);
        bool? same = null;
        if ((aNone && bNone) || node.Inputs[0] == node.Inputs[1]) same = true;
        else if ((aNone && CannotBeNone(node.Inputs[1].Type)) || (bNone && CannotBeNone(node.Inputs[0].Type))) same = false;
        if (same is not { } s) return false;
        return ReplaceWithConstant(node, IValue.FromBool(node.Kind == "aten::__is__" ? s : !s), BoolType.Instance);
    }

    private static bool IsNoneValue(Value v) => v.Type is NoneType || (v.Node.Kind == "prim::Constant" && AbstractValue.Of(v).IsNone && v.Type is not OptionalType);

    private static bool CannotBeNone(JitType t) => t is not (NoneType or OptionalType or AnyType or UnionType or ClassType or OpaqueType);

    /// <summary>
    /// An output of <c>prim::If</c> for which both branches return the same value defined outside
    /// the If is that value: its uses take it directly and the output goes. So is one for which
    /// both return equal scalar constants (or None), as in PyTorch's <c>removeExtraIfOutputs</c>:
    /// the constant is then inserted before the If.
    /// </summary>
    private static bool HoistIdenticalIfOutputs(Node node)
    {
        if (node.Blocks.Count != 2) return false;
        var then = node.Blocks[0];
        var other = node.Blocks[1];
        bool changed = false;
        for (int i = node.Outputs.Count - 1; i >= 0; i--)
        {
            var a = then.Outputs[i];
            Value replacement;
            if (a == other.Outputs[i] && !a.Node.IsDescendantOf(node) && a.Node != node) replacement = a;
            else if (SameScalarConstant(a, other.Outputs[i]) is { } c) replacement = InsertConstantBefore(node, c, a.Type);
            else continue;
            var o = node.Outputs[i];
            o.ReplaceAllUsesWith(replacement);
            then.EraseOutput(i);
            other.EraseOutput(i);
            node.EraseOutput(i);
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// The value both <paramref name="a"/> and <paramref name="b"/> are known to hold when it is a
    /// None, bool, int, float, string or device (tensors have identity and storage; they are left
    /// to ConstantPooling), else null. A NoneType value holds None wherever it comes from.
    /// </summary>
    private static IValue? SameScalarConstant(Value a, Value b)
    {
        if (ScalarConstant(a) is not { } x || ScalarConstant(b) is not { } y || !x.Equals(y)) return null;
        return x;
    }

    private static IValue? ScalarConstant(Value v)
    {
        if (v.Type is NoneType) return IValue.None;
        if (v.Node.Kind != "prim::Constant") return null;
        return AbstractValue.Of(v).Constant is { Tag: IValueTag.None or IValueTag.Bool or IValueTag.Int or IValueTag.Double
            or IValueTag.String or IValueTag.Device } c ? c : (IValue?)null;
    }
}
