using Jit.Errors;
using Jit.Ir;
using Jit.Modules;

namespace Jit.Passes;

/// <summary>
/// Replaces <c>prim::CallMethod</c> and <c>prim::CallFunction</c> by a copy of the callee's graph,
/// as PyTorch's <c>Inline</c> does: the callee's nodes go where the call was, with their debug names
/// and source ranges; the call's outputs become the callee's. Calls inside the callee are inlined
/// first, to a bounded depth (recursive TorchScript has no finite inlining). A call whose callee
/// the resolver does not know stays. The <c>Function</c> constant a <c>CallFunction</c> names is
/// left in place, unused, as PyTorch leaves it.
/// </summary>
public sealed class Inline : IGraphPass
{
    private readonly Func<Node, Graph?> _resolve;
    private readonly int _maxDepth;

    /// <param name="resolve">
    /// The callee of a call node, or null if unknown. Its graph takes the call's arguments: for
    /// <c>CallMethod</c> all inputs (the object first), for <c>CallFunction</c> the inputs after
    /// the function value. The resolver's graph is copied, never changed.
    /// </param>
    /// <param name="maxDepth">How deep calls may nest before inlining gives up with an error.</param>
    public Inline(Func<Node, Graph?> resolve, int maxDepth = 64)
    {
        if (maxDepth < 1) throw new ArgumentOutOfRangeException(nameof(maxDepth), maxDepth, "must be at least 1");
        _resolve = resolve;
        _maxDepth = maxDepth;
    }

    /// <summary>Inlining for a loaded module: <c>CallMethod</c> callees are the methods of the object's class in the file.</summary>
    public static Inline ForModule(JitModule module, int maxDepth = 64) => new(node =>
        node.Kind == "prim::CallMethod" && node.Inputs.Count > 0 && node.Input(0).Type is ClassType cls
            && node.GetAttribute("name")?.Value is string method && module.HasMethod(cls, method)
            ? module.MethodGraph(cls, method)
            : null, maxDepth);

    public string Name => nameof(Inline);

    public bool Run(Graph graph) => InlineBlock(graph.Block, []);

    private bool InlineBlock(Block block, List<string> callStack)
    {
        bool changed = false;
        foreach (var node in block.Nodes)
        {
            foreach (var b in node.Blocks) changed |= InlineBlock(b, callStack);
            if (node.Kind is not ("prim::CallMethod" or "prim::CallFunction")) continue;
            if (_resolve(node) is not { } callee) continue;
            InlineCall(node, callee, callStack);
            changed = true;
        }
        return changed;
    }

    private void InlineCall(Node call, Graph callee, List<string> callStack)
    {
        string name = CalleeName(call);
        if (callStack.Count >= _maxDepth)
            throw new JitIrException(
                $"Inline: calls nest deeper than {_maxDepth} ({string.Join(" -> ", callStack.Append(name))}); " +
                "recursive TorchScript functions cannot be inlined");
        var arguments = call.Kind == "prim::CallFunction" ? call.Inputs.Skip(1).ToList() : call.Inputs.ToList();
        if (arguments.Count != callee.Inputs.Count)
            throw new JitIrException(
                $"Inline: {name} takes {callee.Inputs.Count} arguments but the call passes {arguments.Count}: {call.ToString().Trim()}");
        if (call.Outputs.Count != callee.Outputs.Count)
            throw new JitIrException(
                $"Inline: {name} returns {callee.Outputs.Count} values but the call expects {call.Outputs.Count}: {call.ToString().Trim()}");

        // The callee's own calls first, on a private copy: the resolver's graph stays untouched.
        var body = callee.Copy();
        InlineBlock(body.Block, [.. callStack, name]);

        var graph = call.Graph;
        var env = new Dictionary<Value, Value>();
        for (int i = 0; i < arguments.Count; i++) env[body.Inputs[i]] = arguments[i];
        using (graph.InsertPointAt(call))
        {
            foreach (var node in body.Nodes)
            {
                var copy = graph.Insert(graph.CreateClone(node, v => env.TryGetValue(v, out var mapped)
                    ? mapped
                    : throw new JitIrException($"Inline: %{v.DisplayName} is used in {name} but not defined there")));
                for (int i = 0; i < node.Outputs.Count; i++) env[node.Outputs[i]] = copy.Outputs[i];
            }
        }
        for (int i = 0; i < call.Outputs.Count; i++) call.Outputs[i].ReplaceAllUsesWith(env[body.Outputs[i]]);
        call.Destroy();
    }

    private static string CalleeName(Node call)
    {
        string method = call.GetAttribute("name")?.Value as string ?? "?";
        if (call.Kind == "prim::CallMethod")
            return call.Inputs.Count > 0 ? $"{call.Input(0).Type}.{method}" : method;
        var function = call.Inputs.Count > 0 ? call.Input(0) : null;
        return function?.Node.GetAttribute("name")?.Value as string ?? function?.Type.ToString() ?? "function";
    }
}
