using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;

namespace Jit.Passes;

/// <summary>
/// Folds a relu, and a residual add before it, into the convolution that feeds them, as PyTorch's
/// frozen <c>FuseFrozenConvAddRelu</c>: <c>relu(conv2d(x, w, b))</c> becomes
/// <c>aten::cudnn_convolution_relu(x, w, b, …)</c> and <c>relu(conv2d(x, w, b) + z)</c> becomes
/// <c>aten::cudnn_convolution_add_relu(x, w, z, 1, b, …)</c>, whose extern kernels apply both in
/// the GEMM's epilogue instead of two more passes over the output. PyTorch names these ops after
/// cuDNN and makes them only on CUDA; their meaning is device-neutral, and every backend here runs
/// them. Rewrites only where nothing else observes the intermediates (the conv's and the add's
/// only use is the next step), the input is known to be batched (rank 4), and the add is
/// <c>aten::add.Tensor</c> with alpha 1 and a <c>z</c> proven to have the conv output's dtype and
/// sizes, so no broadcast or type promotion hides in it; the sum is conv + bias, then + z, then
/// relu, the order the unfused ops round in.
/// </summary>
public sealed class FuseConvAddRelu : IGraphPass
{
    public string Name => nameof(FuseConvAddRelu);

    public bool Run(Graph graph)
    {
        bool changed = false;
        foreach (var relu in graph.AllNodes().Where(n => n.Kind == "aten::relu" && n.Inputs.Count == 1).ToList())
            changed |= TryFuse(relu);
        return changed;
    }

    private static bool TryFuse(Node relu)
    {
        var producer = relu.Input(0).Node;
        if (IsFusibleConv(producer, relu)) return Replace(relu, producer, null);
        if (Overload(producer) != "aten::add.Tensor" || producer.Owner != relu.Owner || !OnlyUser(producer.Output(), relu)) return false;
        if (AbstractValue.Of(producer.Inputs[2]).Constant is not { IsInt: true, AsInt: 1 }) return false;
        // add is commutative for tensors with alpha 1: the conv may be either operand.
        for (int side = 0; side < 2; side++)
        {
            var conv = producer.Inputs[side].Node;
            var z = producer.Inputs[1 - side];
            if (IsFusibleConv(conv, producer) && SameShapeAndDType(conv.Output(), z))
                return Replace(relu, conv, (producer, z));
        }
        return false;
    }

    private static bool IsFusibleConv(Node n, Node onlyUser) =>
        Overload(n) == "aten::conv2d" && n.Owner == onlyUser.Owner && OnlyUser(n.Output(), onlyUser)
        && n.Input(0).Type is TensorType { Rank: 4 };

    // The node's overload, or null where none matches its static types.
    private static string? Overload(Node n)
    {
        if (!n.Kind.StartsWith("aten::", StringComparison.Ordinal)) return null;
        try
        {
            return n.Schema.QualifiedOverloadName;
        }
        catch (Errors.JitSchemaException)
        {
            return null;
        }
    }

    private static bool OnlyUser(Value v, Node user) => v.Uses.Count == 1 && v.Uses[0].User == user;

    private static bool SameShapeAndDType(Value a, Value b) =>
        a.Type is TensorType { DType: { } da, Sizes: { } sa } && b.Type is TensorType { DType: { } db, Sizes: { } sb }
        && da == db && sa.Count == sb.Count && sa.Zip(sb).All(p => p.First is { } x && x == p.Second);

    /// <summary>The fused node takes the relu's place (every input is defined before it), then the old nodes go.</summary>
    private static bool Replace(Node relu, Node conv, (Node Add, Value Z)? residual)
    {
        var g = relu.Graph;
        var c = conv.Inputs; // input, weight, bias, stride, padding, dilation, groups
        Node fused = residual is { } r
            ? g.Create("aten::cudnn_convolution_add_relu", [c[0], c[1], r.Z, r.Add.Inputs[2], c[2], c[3], c[4], c[5], c[6]])
            : g.Create("aten::cudnn_convolution_relu", [c[0], c[1], c[2], c[3], c[4], c[5], c[6]]);
        fused.InsertBefore(relu);
        fused.Output().Type = relu.Output().Type;
        fused.SourceRange = conv.SourceRange;
        relu.Output().ReplaceAllUsesWith(fused.Output());
        string? name = relu.Output().DebugName;
        relu.Destroy();
        fused.Output().SetDebugName(name); // the result keeps the name the graph gave it
        residual?.Add.Destroy();
        conv.Destroy();
        return true;
    }
}
