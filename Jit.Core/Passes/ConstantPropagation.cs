using Jit.Errors;
using Jit.Ir;
using Jit.Passes.Analysis;
using Jit.Passes.Support;
using Jit.Runtime;

namespace Jit.Passes;

/// <summary>
/// Folds nodes whose inputs are all constants into <c>prim::Constant</c>s, evaluating them through
/// the same kernels the interpreter uses (the given backend's, then the host kernels), as PyTorch's
/// <c>ConstantPropagation</c> does. A <c>prim::If</c> with a constant condition is replaced by the
/// taken block; a <c>prim::Loop</c> that runs zero times (trip count &lt;= 0 or a false initial
/// condition) by its initial values. Ends by removing the pure nodes left unused.
/// Never folded: ops with side effects, nondeterministic ops, ops that write an input, ops whose
/// inputs or results may be written anywhere in the graph (they could alias), results that cannot
/// be constants (objects, dicts), and nodes whose kernel throws (the error stays for run time).
/// </summary>
public sealed class ConstantPropagation : IGraphPass
{
    // Structural ops that must not be evaluated at compile time: they depend on the device the
    // graph will run on, on object identity, or on state (PyTorch's skip list, plus ours).
    // aten::is_grad_enabled is not among them (PyTorch skips it): this runtime always runs
    // inference as under torch.no_grad(), so it is false in every run, as the interpreter says.
    private static readonly HashSet<string> Skip = new(StringComparer.Ordinal)
    {
        "prim::Constant", "prim::Uninitialized", "prim::GetAttr", "prim::SetAttr", "prim::CreateObject",
        "prim::device", "prim::is_cuda", "prim::is_cpu", "prim::CallMethod", "prim::CallFunction",
        "prim::Enter", "prim::Exit", "prim::Print", "prim::RaiseException", "prim::unchecked_unwrap_optional",
        "aten::warn", "prim::If", "prim::Loop",
    };

    private readonly IBackend _backend;
    private AliasAnalysis _aliases = null!;

    /// <summary>
    /// Folds with <paramref name="backend"/>'s tensor kernels (for example the CPU backend) and the
    /// host kernels; with no backend only number, string and list ops fold.
    /// </summary>
    public ConstantPropagation(IBackend? backend = null)
    {
        _backend = backend ?? HostOnlyBackend.Instance;
    }

    public string Name => nameof(ConstantPropagation);

    public bool Run(Graph graph)
    {
        _aliases = new AliasAnalysis(graph);
        bool changed = RunBlock(graph, graph.Block);
        changed |= UnusedNodes.Remove(graph.Block);
        return changed;
    }

    private bool RunBlock(Graph graph, Block block)
    {
        bool changed = false;
        Node? node = block.Nodes.FirstOrDefault();
        while (node is not null)
        {
            var next = node.Next;
            switch (node.Kind)
            {
                case "prim::If" when ConstantOf(node.Input(0)) is { IsBool: true } cond:
                {
                    var prev = node.Prev;
                    InlineIfBody(node.Blocks[cond.AsBool ? 0 : 1]);
                    // The taken block's nodes now sit where the If was: fold them too.
                    next = prev is null ? block.Nodes.FirstOrDefault() : prev.Next;
                    changed = true;
                    break;
                }
                case "prim::Loop" when RunsZeroTimes(node):
                    for (int i = 0; i < node.Outputs.Count; i++) node.Outputs[i].ReplaceAllUsesWith(node.Inputs[i + 2]);
                    node.Destroy();
                    changed = true;
                    break;
                default:
                    foreach (var b in node.Blocks) changed |= RunBlock(graph, b);
                    if (node.Blocks.Count == 0) changed |= TryFold(graph, node);
                    break;
            }
            node = next;
        }
        return changed;
    }

    // PyTorch's inlineIfBody: the block's nodes move before the If, its outputs replace the If's.
    private static void InlineIfBody(Block body)
    {
        var ifNode = body.OwningNode!;
        foreach (var n in body.Nodes.ToList()) n.MoveBefore(ifNode);
        for (int i = 0; i < ifNode.Outputs.Count; i++) ifNode.Outputs[i].ReplaceAllUsesWith(body.Outputs[i]);
        ifNode.Destroy();
    }

    private static bool RunsZeroTimes(Node loop)
    {
        if (loop.Inputs.Count < 2 || loop.Outputs.Count + 2 > loop.Inputs.Count) return false;
        if (ConstantOf(loop.Input(1)) is { IsBool: true, AsBool: false }) return true;
        return ConstantOf(loop.Input(0)) is { IsInt: true } trips && trips.AsInt <= 0;
    }

    // A NoneType value has one possible value, None, wherever it comes from: mobile bytecode types
    // If outputs and casts that way where PyTorch's emitter would have put a constant.
    private static IValue? ConstantOf(Value v) => v.Type is NoneType ? IValue.None : ConstantValues.TryEvaluate(v.Node);

    private bool TryFold(Graph graph, Node node)
    {
        if (node.Outputs.Count == 0 || Skip.Contains(node.Kind)) return false;
        if (node.Inputs.Any(v => ConstantOf(v) is null)) return false;
        if (!IsFoldable(node)) return false;
        if (Evaluate(node) is not { } results) return false;

        bool changed = false;
        using (graph.InsertPointAt(node))
        {
            for (int i = 0; i < results.Length; i++)
            {
                if (!ConstantValues.CanBeConstant(results[i])) continue;
                var constant = ConstantValues.Insert(graph, results[i], node.Outputs[i].Type);
                // PyTorch keeps the declared type of a None (Tensor?, int?): its users were typed against it.
                if (results[i].IsNone) constant.Type = node.Outputs[i].Type;
                node.Outputs[i].ReplaceAllUsesWith(constant);
                changed = true;
            }
        }
        if (node.Outputs.All(o => !o.HasUses)) node.Destroy();
        return changed;
    }

    private bool IsFoldable(Node node)
    {
        Ops.OpDef op;
        try { op = node.Op; }
        catch (JitException) { return false; }
        if (op.HasSideEffects || op.IsNondeterministic || op.MutatesInputs) return false;
        // A result that may alias a written value would freeze a snapshot of something that changes.
        return !node.Inputs.Concat(node.Outputs).Any(_aliases.HasWritersToContents);
    }

    // Runs the node alone, on its constant inputs, through the reference interpreter: the same
    // structural handling and kernels as at run time, so folding cannot change the semantics.
    private IValue[]? Evaluate(Node node)
    {
        var g = new Graph();
        var map = new Dictionary<Value, Value>();
        foreach (var input in node.Inputs.Distinct())
        {
            bool isConstant = input.Node.Kind == "prim::Constant";
            // A NoneType value computed by another node (see ConstantOf) enters as a None constant.
            var constant = isConstant
                ? g.CreateClone(input.Node, _ => throw new JitIrException("a constant has no inputs"))
                : g.Create("prim::Constant");
            if (!isConstant) constant.Output().Type = NoneType.Instance;
            map[input] = g.Block.AppendNode(constant).Output();
        }
        var clone = g.Block.AppendNode(g.CreateClone(node, v => map[v], copyBlocks: false));
        foreach (var o in clone.Outputs) g.RegisterOutput(o);
        try
        {
            return new Interpreter(g, _backend).Run([]);
        }
        catch (Exception e) when (e is JitException or ArgumentException or InvalidOperationException
                                      or IndexOutOfRangeException or InvalidCastException or OverflowException
                                      or ArithmeticException or NotSupportedException or KeyNotFoundException)
        {
            // PyTorch leaves a node whose evaluation throws: the error belongs to run time.
            return null;
        }
    }
}
