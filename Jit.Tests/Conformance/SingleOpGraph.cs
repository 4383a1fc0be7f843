using Jit.Ir;
using Jit.Passes.Support;
using Jit.Runtime;

namespace Jit.Tests.Conformance;

/// <summary>
/// A graph calling one op on an op case's arguments: tensors (and tensors in lists) are graph inputs
/// with their complete types, everything else a constant, as a frozen model would hold it.
/// </summary>
public static class SingleOpGraph
{
    /// <summary>The graph, and the values to bind to its inputs in order.</summary>
    public static (Graph Graph, IValue[] Inputs) Build(string overload, IReadOnlyList<IValue> arguments, int outputs)
    {
        var graph = new Graph();
        var inputs = new List<IValue>();
        var args = new List<Value>();
        foreach (var a in arguments)
        {
            if (a.IsTensor)
            {
                args.Add(graph.AddInput($"t{inputs.Count}", TensorType.FromTensor(a.AsTensor)));
                inputs.Add(a);
            }
            else if (a.IsList && a.AsList.Items.Any(x => x.IsTensor))
            {
                // Tensor[] or Tensor?[] (None items are constants).
                var items = a.AsList.Items.Select(x =>
                {
                    if (!x.IsTensor) return ConstantValues.Insert(graph, x, NoneType.Instance);
                    inputs.Add(x);
                    return graph.AddInput($"t{inputs.Count - 1}", TensorType.FromTensor(x.AsTensor));
                }).ToList();
                var list = graph.InsertNode("prim::ListConstruct", items);
                list.Output().Type = new ListType(a.AsList.Items.Any(x => x.IsNone) ? new OptionalType(TensorType.Unknown) : TensorType.Unknown);
                args.Add(list.Output());
            }
            else args.Add(ConstantValues.Insert(graph, a, Jit.Ops.AbstractValue.LeafTypeOf(a) ?? (a.IsList ? new ListType(a.AsList.ElementType) : AnyType.Instance)));
        }
        string kind = overload.IndexOf('.', overload.IndexOf("::", StringComparison.Ordinal)) is int dot and > 0 ? overload[..dot] : overload;
        var node = graph.InsertNode(kind, args, outputs);
        foreach (var o in node.Outputs) graph.RegisterOutput(o);
        return (graph, [.. inputs]);
    }
}
