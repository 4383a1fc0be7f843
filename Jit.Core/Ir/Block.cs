using Jit.Errors;

namespace Jit.Ir;

/// <summary>
/// A list of nodes with inputs (outputs of its <c>prim::Param</c> node) and outputs (inputs of its
/// <c>prim::Return</c> node). The graph body is a block; so is each branch of <c>prim::If</c> and
/// the body of <c>prim::Loop</c>.
/// </summary>
public sealed partial class Block
{
    private const long TopoGap = 1L << 20;

    internal Block(Graph graph, Node? owningNode)
    {
        Graph = graph;
        OwningNode = owningNode;
        ParamNode = new Node(graph, "prim::Param") { Owner = this };
        ReturnNode = new Node(graph, "prim::Return") { Owner = this };
        // A circular list: param <-> nodes... <-> return <-> param.
        ParamNode.NextNode = ReturnNode;
        ParamNode.PrevNode = ReturnNode;
        ReturnNode.NextNode = ParamNode;
        ReturnNode.PrevNode = ParamNode;
        ParamNode.TopoPosition = long.MinValue;
        ReturnNode.TopoPosition = long.MaxValue;
    }

    public Graph Graph { get; }
    /// <summary>The node whose block this is; null for the graph's top block.</summary>
    public Node? OwningNode { get; }
    public Node ParamNode { get; }
    public Node ReturnNode { get; }

    public IReadOnlyList<Value> Inputs => ParamNode.Outputs;
    public IReadOnlyList<Value> Outputs => ReturnNode.Inputs;

    /// <summary>The nodes in order. Safe to destroy the current node while iterating.</summary>
    public IEnumerable<Node> Nodes
    {
        get
        {
            for (var n = ParamNode.NextNode!; n != ReturnNode;)
            {
                var next = n.NextNode!;
                yield return n;
                n = next;
            }
        }
    }

    public IEnumerable<Node> NodesReversed
    {
        get
        {
            for (var n = ReturnNode.PrevNode!; n != ParamNode;)
            {
                var prev = n.PrevNode!;
                yield return n;
                n = prev;
            }
        }
    }

    public Value AddInput(string? name = null, JitType? type = null) => InsertInput(Inputs.Count, name, type);

    public Value InsertInput(int index, string? name = null, JitType? type = null)
    {
        var v = ParamNode.InsertOutput(index, type);
        if (name is not null) v.SetDebugName(name);
        return v;
    }

    public void EraseInput(int index) => ParamNode.EraseOutput(index);

    public int RegisterOutput(Value v)
    {
        ReturnNode.AddInput(v);
        return Outputs.Count - 1;
    }

    public void InsertOutput(int index, Value v) => ReturnNode.InsertInput(index, v);
    public void EraseOutput(int index) => ReturnNode.RemoveInput(index);

    public Node AppendNode(Node n) => n.InsertBefore(ReturnNode);
    public Node PrependNode(Node n) => n.InsertAfter(ParamNode);

    internal void AssignTopoPosition(Node n)
    {
        long prev = n.PrevNode!.TopoPosition;
        long next = n.NextNode!.TopoPosition;
        if (n.PrevNode == ParamNode && n.NextNode == ReturnNode) { n.TopoPosition = 0; return; }
        if (n.PrevNode == ParamNode) { prev = next - 2 * TopoGap; if (next < long.MinValue / 4) { Reindex(); } else { n.TopoPosition = next - TopoGap; return; } }
        else if (n.NextNode == ReturnNode) { if (prev > long.MaxValue / 4) { Reindex(); } else { n.TopoPosition = prev + TopoGap; return; } }
        else if (next - prev > 1) { n.TopoPosition = prev + (next - prev) / 2; return; }
        else Reindex();
    }

    private void Reindex()
    {
        long pos = 0;
        foreach (var node in Nodes)
        {
            node.TopoPosition = pos;
            pos += TopoGap;
        }
    }

    internal void DestroyContents()
    {
        foreach (var n in NodesReversed.ToList())
        {
            foreach (var o in n.Outputs)
                if (o.Uses.Any(u => !u.User.IsDescendantOfBlock(this)))
                    throw new JitIrException($"cannot destroy block: %{o.DisplayName} is used outside it");
        }
        ReturnNode.RemoveAllInputs();
        foreach (var n in NodesReversed.ToList())
        {
            foreach (var o in n.Outputs)
                foreach (var u in o.Uses.ToArray()) u.User.RemoveInput(u.Offset);
            n.Destroy();
        }
    }
}
