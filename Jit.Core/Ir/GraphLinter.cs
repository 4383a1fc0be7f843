using Jit.Errors;
using Jit.Ir.Text;

namespace Jit.Ir;

/// <summary>
/// Checks a graph's invariants, as PyTorch's <c>Graph::lint</c> does: block structure, node and value
/// back-pointers, use lists in both directions, definitions before uses (a value is visible in the
/// blocks nested below its definition, not outside them), unique ids and names, and the shape of
/// <c>prim::If</c> and <c>prim::Loop</c>. The first problem found is thrown as a
/// <see cref="JitIrException"/> naming the node.
/// </summary>
internal sealed class GraphLinter
{
    private readonly Graph _graph;
    private readonly HashSet<Node> _liveNodes = [];
    private readonly Dictionary<int, Value> _ids = [];
    private readonly Dictionary<string, Value> _names = new(StringComparer.Ordinal);

    private GraphLinter(Graph graph) => _graph = graph;

    public static void Lint(Graph graph)
    {
        var linter = new GraphLinter(graph);
        linter.CollectNodes(graph.Block);
        linter.CheckBlock(graph.Block, new Scope(null));
    }

    /// <summary>The values visible at a point: this block's so far, then the enclosing blocks'.</summary>
    private sealed class Scope(Scope? parent)
    {
        private readonly HashSet<Value> _values = [];
        public void Add(Value v) => _values.Add(v);
        public bool Contains(Value v) => _values.Contains(v) || (parent?.Contains(v) ?? false);
    }

    private void CollectNodes(Block block)
    {
        _liveNodes.Add(block.ParamNode);
        _liveNodes.Add(block.ReturnNode);
        foreach (var n in block.Nodes)
        {
            _liveNodes.Add(n);
            foreach (var b in n.Blocks) CollectNodes(b);
        }
    }

    private void CheckBlock(Block block, Scope enclosing)
    {
        var scope = new Scope(enclosing);
        if (block.Graph != _graph) throw Fail(block.ParamNode, "block belongs to another graph");
        CheckBoundaryNode(block, block.ParamNode, "prim::Param");
        CheckBoundaryNode(block, block.ReturnNode, "prim::Return");
        if (block.ParamNode.Inputs.Count != 0) throw Fail(block.ParamNode, "a block's param node must have no inputs");
        if (block.ReturnNode.Outputs.Count != 0) throw Fail(block.ReturnNode, "a block's return node must have no outputs");
        CheckOutputs(block.ParamNode, scope);

        var previous = block.ParamNode;
        int steps = 0;
        for (var n = block.ParamNode.NextNode; n != block.ReturnNode; n = n.NextNode)
        {
            if (n is null) throw Fail(previous, "node list is broken after this node (no next node)");
            if (++steps > _liveNodes.Count) throw Fail(previous, "node list does not lead back to the block's return node");
            if (n.PrevNode != previous) throw Fail(n, "node's previous-node link does not point at the node before it");
            if (n.Owner != block) throw Fail(n, "node's owning block is not the block it is listed in");
            if (n.Graph != _graph) throw Fail(n, "node belongs to another graph");
            if (n.Kind is "prim::Param" or "prim::Return") throw Fail(n, $"{n.Kind} may only be a block's boundary node");
            CheckInputs(n, scope);
            CheckStructure(n);
            foreach (var b in n.Blocks)
            {
                if (b.OwningNode != n) throw Fail(n, "a block of this node names another owning node");
                CheckBlock(b, scope);
            }
            CheckOutputs(n, scope);
            previous = n;
        }
        if (block.ReturnNode.PrevNode != previous) throw Fail(block.ReturnNode, "return node's previous-node link is wrong");
        CheckInputs(block.ReturnNode, scope);
    }

    private void CheckBoundaryNode(Block block, Node n, string kind)
    {
        if (n.Kind != kind) throw Fail(n, $"expected the block's {kind} node");
        if (n.Owner != block) throw Fail(n, $"{kind} node's owning block is wrong");
    }

    private void CheckInputs(Node n, Scope scope)
    {
        for (int i = 0; i < n.Inputs.Count; i++)
        {
            var v = n.Inputs[i];
            if (v.Graph != _graph) throw Fail(n, $"input {i} (%{v.DisplayName}) belongs to another graph");
            if (!scope.Contains(v))
            {
                string why = _liveNodes.Contains(v.Node)
                    ? "is used before it is defined, or outside the block that defines it"
                    : "is defined by a node that is not in the graph";
                throw Fail(n, $"input {i} (%{v.DisplayName}) {why}");
            }
            int matching = v.Uses.Count(u => u.User == n && u.Offset == i);
            if (matching != 1) throw Fail(n, $"input {i} (%{v.DisplayName}) has {matching} matching entries in its use list, expected 1");
        }
    }

    private void CheckOutputs(Node n, Scope scope)
    {
        for (int i = 0; i < n.Outputs.Count; i++)
        {
            var v = n.Outputs[i];
            if (v.Node != n) throw Fail(n, $"output {i} (%{v.DisplayName}) names another node as its definition");
            if (v.Offset != i) throw Fail(n, $"output {i} (%{v.DisplayName}) has offset {v.Offset}");
            if (_ids.TryGetValue(v.Id, out var other)) throw Fail(n, $"value id {v.Id} is used by both %{other.DisplayName} and %{v.DisplayName}");
            _ids[v.Id] = v;
            if (v.DebugName is { } name)
            {
                if (_names.TryGetValue(name, out var holder)) throw Fail(n, $"debug name '{name}' is held by two values");
                _names[name] = v;
            }
            foreach (var use in v.Uses)
            {
                if (!_liveNodes.Contains(use.User))
                    throw Fail(n, $"output %{v.DisplayName} lists a use by {use.User.Kind}, which is not in the graph");
                if (use.Offset < 0 || use.Offset >= use.User.Inputs.Count || use.User.Inputs[use.Offset] != v)
                    throw Fail(n, $"output %{v.DisplayName} lists a use by input {use.Offset} of '{Header(use.User)}', which is not this value");
            }
            if (v.Uses.Distinct().Count() != v.Uses.Count) throw Fail(n, $"output %{v.DisplayName} lists the same use twice");
            scope.Add(v);
        }
    }

    private static void CheckStructure(Node n)
    {
        switch (n.Kind)
        {
            case "prim::If":
                if (n.Inputs.Count != 1) throw Fail(n, $"prim::If takes 1 input (the condition), found {n.Inputs.Count}");
                if (n.Blocks.Count != 2) throw Fail(n, $"prim::If must have 2 blocks, found {n.Blocks.Count}");
                for (int i = 0; i < 2; i++)
                {
                    if (n.Blocks[i].Inputs.Count != 0) throw Fail(n, $"prim::If block{i} must have no inputs");
                    if (n.Blocks[i].Outputs.Count != n.Outputs.Count)
                        throw Fail(n, $"prim::If block{i} returns {n.Blocks[i].Outputs.Count} values but the node has {n.Outputs.Count} outputs");
                }
                break;
            case "prim::Loop":
            {
                if (n.Inputs.Count < 2) throw Fail(n, $"prim::Loop takes the trip count and condition first, found {n.Inputs.Count} inputs");
                if (n.Blocks.Count != 1) throw Fail(n, $"prim::Loop must have 1 block, found {n.Blocks.Count}");
                int carried = n.Inputs.Count - 2;
                var body = n.Blocks[0];
                if (n.Outputs.Count != carried) throw Fail(n, $"prim::Loop carries {carried} values but has {n.Outputs.Count} outputs");
                if (body.Inputs.Count != carried + 1)
                    throw Fail(n, $"prim::Loop body must take the iteration number and {carried} carried values, found {body.Inputs.Count} inputs");
                if (body.Outputs.Count != carried + 1)
                    throw Fail(n, $"prim::Loop body must return the condition and {carried} carried values, found {body.Outputs.Count} outputs");
                break;
            }
        }
    }

    private static string Header(Node n)
    {
        string text = n.Kind is "prim::Param" or "prim::Return" ? n.Kind + "(" + IrPrinter.ValueRefs(n.Inputs) + ")" : IrPrinter.PrintNode(n);
        int newline = text.IndexOf('\n');
        return newline < 0 ? text : text[..newline];
    }

    private static JitIrException Fail(Node n, string problem) => new($"graph lint: {problem}, in node: {Header(n)}");
}
