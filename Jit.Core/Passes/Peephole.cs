using Jit.Errors;
using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;

namespace Jit.Passes;

/// <summary>
/// Small local rewrites, as PyTorch's <c>PeepholeOptimize</c> (passes/peephole.cpp and
/// peephole_list_idioms.cpp): arithmetic identities that provably keep dtype and shape, no-op
/// views and conversions, sizes folded where shapes are known, <c>__is__</c> on None, matmul
/// patterns that become <c>aten::linear</c>, <c>prim::If</c> outputs both branches agree on, and
/// tensor queries this runtime answers the same for every tensor (is_nested, requires_grad).
/// Int arithmetic on constants is ConstantPropagation's job. Runs to a fixed point.
/// </summary>
public sealed partial class Peephole : IGraphPass
{
    // Each rewrite shrinks the graph or replaces a node by a cheaper one, so a few rounds suffice;
    // the bound only guards against a rewrite pair that undoes itself.
    private const int MaxRounds = 16;

    public string Name => nameof(Peephole);

    public bool Run(Graph graph)
    {
        bool any = false;
        for (int round = 0; round < MaxRounds; round++)
        {
            bool changed = RunBlock(graph.Block);
            any |= changed;
            if (!changed) break;
        }
        return any;
    }

    private bool RunBlock(Block block)
    {
        bool changed = false;
        foreach (var node in block.Nodes)
        {
            foreach (var sub in node.Blocks) changed |= RunBlock(sub);
            changed |= RewriteNode(node);
        }
        return changed;
    }

    private static bool RewriteNode(Node node) => node.Kind switch
    {
        "aten::add" or "aten::sub" => IdentityOperand(node, 0.0),
        "aten::mul" or "aten::div" => IdentityOperand(node, 1.0),
        "aten::contiguous" => RedundantContiguous(node),
        "aten::to" => RedundantTo(node),
        "aten::expand" or "aten::view" or "aten::reshape" => SameShapeView(node),
        "aten::t" => DoubleTranspose(node),
        "aten::dim" or "aten::size" or "aten::len" or "aten::__getitem__" or "prim::dtype" => FoldSizeQuery(node),
        "aten::matmul" or "aten::mm" => MatmulOfTranspose(node),
        "aten::__is__" or "aten::__isnot__" => FoldIsNone(node),
        "prim::If" => HoistIdenticalIfOutputs(node),
        "prim::is_nested" or "prim::requires_grad" => FoldFixedTensorQuery(node),
        "prim::TupleUnpack" => UnpackOfConstruct(node),
        _ => false,
    } || (node.Kind == "aten::add" && node.IsInserted && AddIntoLinear(node));

    /// <summary>
    /// <c>x + 0</c>, <c>x - 0</c>, <c>x * 1</c>, <c>x / 1</c> become <c>x</c>, but only when the
    /// op's result type is known to equal x's (no promotion to another dtype, no broadcast).
    /// </summary>
    private static bool IdentityOperand(Node node, double identity)
    {
        if (node.Inputs.Count < 2 || node.Outputs.Count != 1) return false;
        var x = node.Inputs[0];
        if (x.Type is not TensorType xt || !IsComplete(xt)) return false;
        var other = AbstractValue.Of(node.Inputs[1]).Constant;
        bool isIdentity = other switch
        {
            { IsScalar: true } s => s.AsDouble == identity,
            { IsTensor: true } t => t.AsTensor.NumElements == 1 && t.AsTensor.GetDouble(0) == identity,
            _ => false,
        };
        if (!isIdentity) return false;
        if (InferredOutput(node) is not TensorType rt || !IsComplete(rt)) return false;
        if (rt.DType != xt.DType || !SameSizes(rt.Sizes, xt.Sizes)) return false;
        return ReplaceWith(node, x);
    }

    /// <summary><c>t(t(x))</c> is x.</summary>
    private static bool DoubleTranspose(Node node)
    {
        var inner = node.Inputs[0].Node;
        if (inner.Kind != "aten::t") return false;
        return ReplaceWith(node, inner.Inputs[0]);
    }

    // ---- helpers ----

    /// <summary>The op's inferred type for output 0, or null when the op is unknown or the shapes do not fit.</summary>
    internal static JitType? InferredOutput(Node node)
    {
        try
        {
            return node.InferOutputTypes()[0];
        }
        catch (JitException)
        {
            return null;
        }
    }

    private static bool IsComplete(TensorType t) => t.DType is not null && t.Sizes is not null && t.Sizes.All(s => s is not null);

    private static bool SameSizes(IReadOnlyList<ShapeSymbol?>? a, IReadOnlyList<ShapeSymbol?>? b) =>
        a is not null && b is not null && a.Count == b.Count && a.Zip(b).All(p => p.First is not null && p.First == p.Second);

    /// <summary>Replaces the node's only output by <paramref name="v"/> and removes the node.</summary>
    private static bool ReplaceWith(Node node, Value v)
    {
        var o = node.Output();
        // Keep the more refined of the two types: the replacement stands for the same tensor.
        if (v.Type is TensorType { IsUnrefined: true } && o.Type is TensorType { IsUnrefined: false }) v.Type = o.Type;
        o.ReplaceAllUsesWith(v);
        node.Destroy();
        return true;
    }

    /// <summary>
    /// Unpacking a tuple that a <c>prim::TupleConstruct</c> built gives back its items (tuples are
    /// immutable), so a model returning a namedtuple's first field builds no tuple at run time.
    /// </summary>
    private static bool UnpackOfConstruct(Node node)
    {
        var tuple = node.Inputs[0].Node;
        if (tuple.Kind != "prim::TupleConstruct" || tuple.Inputs.Count != node.Outputs.Count) return false;
        for (int i = 0; i < node.Outputs.Count; i++)
        {
            Value o = node.Outputs[i], v = tuple.Inputs[i];
            if (v.Type is TensorType { IsUnrefined: true } && o.Type is TensorType { IsUnrefined: false }) v.Type = o.Type;
            o.ReplaceAllUsesWith(v);
        }
        node.Destroy();
        return true;
    }

    /// <summary>Replaces the node's only output by a new constant inserted just before it.</summary>
    private static bool ReplaceWithConstant(Node node, IValue value, JitType type) =>
        ReplaceWith(node, InsertConstantBefore(node, value, type));

    /// <summary>A new constant holding <paramref name="value"/>, inserted just before <paramref name="node"/>.</summary>
    private static Value InsertConstantBefore(Node node, IValue value, JitType type)
    {
        var c = node.Graph.Create("prim::Constant");
        Constants.SetValue(c, value);
        c.Output().Type = type;
        c.InsertBefore(node);
        return c.Output();
    }
}
