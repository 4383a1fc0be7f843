using Jit.Ir;
using Jit.Runtime;

namespace Jit.Passes;

// PyTorch 1.13's insertTypeGuard for the TE fuser: each group runs only when its tensor inputs
// are what it was built for; otherwise the unfused nodes run.
//
//   %a.1, %b.1, %ok = prim::TypeCheck[types=[Float(SS(-2), 4), Float(SS(-2), 4)]](%a, %b)
//   %r = prim::If(%ok)
//     block0():
//       %g = prim::TensorExprGroup_0(%a.1, %b.1)
//       -> (%g)
//     block1():
//       ...the group's nodes on %a and %b, unfused...
//       -> (...)
//
// The types keep the dtypes, ranks and sizes shape analysis gave the subgraph's inputs; sizes
// it left symbolic stay symbolic, so another batch size passes. Runtime.TypeGuard says exactly
// what is checked. The fallback is inlined (PyTorch's profiling executor later wraps it in
// prim::FallbackGraph); its values are typed plain Tensor: what shape analysis proved holds only
// when the guard passed. The If's outputs are plain Tensor for the same reason.
public sealed partial class TensorExprFuser
{
    private void GuardGroups(Block block)
    {
        foreach (var n in block.Nodes.ToList())
        {
            for (int i = 0; i < n.Blocks.Count; i++)
                if (!IsFallbackBlock(n, i)) GuardGroups(n.Blocks[i]);
            if (IsGroup(n) && !IsGuarded(n)) Guard(n);
        }
    }

    private static bool IsGuarded(Node group) =>
        group.Owner?.OwningNode is { Kind: "prim::If" } guard && guard.Inputs[0].Node.Kind == Interpreter.TypeCheckKind;

    private void Guard(Node group)
    {
        var graph = group.Graph;
        var sub = Subgraph(group);
        var originalInputs = group.Inputs.ToArray();
        var checkedInputs = Enumerable.Range(0, originalInputs.Length).Where(i => sub.Inputs[i].Type is TensorType).ToArray();
        var types = checkedInputs.Select(i => GuardType((TensorType)sub.Inputs[i].Type)).ToArray();

        var check = graph.Create(Interpreter.TypeCheckKind, checkedInputs.Select(i => originalInputs[i]), checkedInputs.Length + 1)
            .InsertBefore(group);
        check.SetAttribute("types", new Ir.Attribute(AttributeKind.Types, types));
        for (int k = 0; k < types.Length; k++) check.Outputs[k].SetType(types[k]);
        check.Outputs[^1].SetType(BoolType.Instance);

        var versioned = graph.Create("prim::If", [check.Outputs[^1]], group.Outputs.Count).InsertBefore(group);
        var fused = versioned.AddBlock();
        var fallback = versioned.AddBlock();
        for (int i = 0; i < group.Outputs.Count; i++)
        {
            var output = versioned.Outputs[i].CopyMetadataFrom(group.Outputs[i]);
            output.SetType(Unproven(output.Type));
            group.Outputs[i].ReplaceAllUsesWith(output);
        }

        group.RemoveFromList();
        fused.AppendNode(group);
        for (int k = 0; k < checkedInputs.Length; k++) group.ReplaceInput(checkedInputs[k], check.Outputs[k]);
        foreach (var o in group.Outputs) fused.RegisterOutput(o);

        var map = new Dictionary<Value, Value>();
        for (int i = 0; i < sub.Inputs.Count; i++) map[sub.Inputs[i]] = originalInputs[i];
        foreach (var n in sub.Block.Nodes)
        {
            if (n.Kind == "prim::Constant" && _constantOrigins.TryGetValue(n.Output(), out var origin)
                && origin.Node.IsInserted && Dominates(origin.Node, versioned))
            {
                map[n.Output()] = origin;
                continue;
            }
            var clone = fallback.AppendNode(CloneUnnamed(graph, n, v => map[v]));
            for (int o = 0; o < n.Outputs.Count; o++) map[n.Outputs[o]] = clone.Outputs[o];
        }
        foreach (var o in sub.Outputs) fallback.RegisterOutput(map[o]);
    }

    // What the guard checks of one input: dtype, rank, static and symbolic sizes, strides when
    // all are known (otherwise TypeGuard asks for a contiguous tensor) and the device.
    private static TensorType GuardType(TensorType t) => new()
    {
        DType = t.DType,
        Sizes = t.Sizes,
        Strides = t.Strides is { } s && s.All(x => x is not null) ? s : null,
        Device = t.Device,
    };

    private static JitType Unproven(JitType t) => t is TensorType ? TensorType.Unknown : t;

    // A copy for the fallback: ids for names (the guarded path keeps the readable ones) and
    // tensor types left unproven.
    private static Node CloneUnnamed(Graph graph, Node n, Func<Value, Value> map)
    {
        var clone = graph.Create(n.Kind, n.Inputs.Select(map), n.Outputs.Count);
        clone.SourceRange = n.SourceRange;
        clone.Scope = n.Scope;
        foreach (var (name, attr) in n.Attributes) clone.SetAttribute(name, attr);
        for (int o = 0; o < n.Outputs.Count; o++)
            clone.Outputs[o].SetType(n.Kind == "prim::Constant" ? n.Outputs[o].Type : Unproven(n.Outputs[o].Type));
        return clone;
    }
}
