using Jit.Errors;

namespace Jit.Ir;

/// <summary>
/// An operation in a graph: a kind (<c>aten::add</c>, <c>prim::If</c>), inputs, outputs, nested
/// blocks and attributes. Lives in a doubly linked list inside its owning <see cref="Block"/>.
/// Changed only through its own methods, which keep use lists right.
/// </summary>
public sealed partial class Node
{
    private readonly List<Value> _inputs = [];
    private readonly List<Value> _outputs = [];
    private readonly List<Block> _blocks = [];
    private readonly List<KeyValuePair<string, Attribute>> _attributes = [];

    internal Node? PrevNode;
    internal Node? NextNode;
    internal long TopoPosition;

    internal Node(Graph graph, string kind)
    {
        Graph = graph;
        Kind = kind;
    }

    public string Kind { get; }
    public Graph Graph { get; }
    /// <summary>The block this node is in; null while the node is not inserted.</summary>
    public Block? Owner { get; internal set; }
    public SourceRange? SourceRange { get; set; }
    /// <summary>Module scope, as PyTorch records it (<c>__module.layer1</c>); not printed by default.</summary>
    public string? Scope { get; set; }

    public IReadOnlyList<Value> Inputs => _inputs;
    public IReadOnlyList<Value> Outputs => _outputs;
    public IReadOnlyList<Block> Blocks => _blocks;
    public IReadOnlyList<KeyValuePair<string, Attribute>> Attributes => _attributes;

    /// <summary>Next node in the block, or null at the end (the block's return node is not counted).</summary>
    public Node? Next => NextNode is { } n && n != Owner?.ReturnNode ? n : null;
    public Node? Prev => PrevNode is { } p && p != Owner?.ParamNode ? p : null;

    /// <summary>Namespace of the kind: <c>aten</c> for <c>aten::add</c>.</summary>
    public string Namespace => Kind.Contains("::", StringComparison.Ordinal) ? Kind[..Kind.IndexOf("::", StringComparison.Ordinal)] : "";

    /// <summary>The only output; an error if the node has another number of outputs.</summary>
    public Value Output()
    {
        if (_outputs.Count != 1)
            throw new JitIrException($"{Kind} has {_outputs.Count} outputs, expected exactly one");
        return _outputs[0];
    }

    public Value Input(int i) => _inputs[i];

    // ---- inputs ----

    public Value AddInput(Value v) => InsertInput(_inputs.Count, v);

    public Value InsertInput(int index, Value v)
    {
        CheckSameGraph(v);
        for (int i = index; i < _inputs.Count; i++) ShiftUse(_inputs[i], i, i + 1);
        _inputs.Insert(index, v);
        v.UseList.Add(new Use(this, index));
        return v;
    }

    /// <summary>Replaces input <paramref name="index"/>; returns the old value.</summary>
    public Value ReplaceInput(int index, Value newValue)
    {
        CheckSameGraph(newValue);
        var old = _inputs[index];
        old.UseList.Remove(new Use(this, index));
        _inputs[index] = newValue;
        newValue.UseList.Add(new Use(this, index));
        return old;
    }

    /// <summary>Replaces every input that is <paramref name="from"/> with <paramref name="to"/>.</summary>
    public void ReplaceInputWith(Value from, Value to)
    {
        for (int i = 0; i < _inputs.Count; i++)
            if (_inputs[i] == from) ReplaceInput(i, to);
    }

    public void RemoveInput(int index)
    {
        var v = _inputs[index];
        v.UseList.Remove(new Use(this, index));
        for (int i = index + 1; i < _inputs.Count; i++) ShiftUse(_inputs[i], i, i - 1);
        _inputs.RemoveAt(index);
    }

    public void RemoveAllInputs()
    {
        for (int i = _inputs.Count - 1; i >= 0; i--) RemoveInput(i);
    }

    private void ShiftUse(Value v, int from, int to)
    {
        int k = v.UseList.IndexOf(new Use(this, from));
        v.UseList[k] = new Use(this, to);
    }

    private void CheckSameGraph(Value v)
    {
        if (v.Graph != Graph)
            throw new JitIrException($"cannot use %{v.DisplayName} as an input of {Kind}: it belongs to another graph");
    }

    // ---- outputs ----

    public Value AddOutput(JitType? type = null) => InsertOutput(_outputs.Count, type);

    public Value InsertOutput(int index, JitType? type = null)
    {
        var v = new Value(this, index, type ?? TensorType.Unknown, Graph.NextValueId());
        _outputs.Insert(index, v);
        for (int i = index + 1; i < _outputs.Count; i++) _outputs[i].Offset = i;
        return v;
    }

    /// <summary>Removes an output that has no uses.</summary>
    public void EraseOutput(int index)
    {
        var v = _outputs[index];
        if (v.HasUses)
            throw new JitIrException($"cannot erase output %{v.DisplayName} of {Kind}: it still has {v.Uses.Count} uses");
        v.SetDebugName(null);
        _outputs.RemoveAt(index);
        for (int i = index; i < _outputs.Count; i++) _outputs[i].Offset = i;
    }

    // ---- blocks ----

    public Block AddBlock()
    {
        var b = new Block(Graph, this);
        _blocks.Add(b);
        return b;
    }

    public void EraseBlock(int index)
    {
        _blocks[index].DestroyContents();
        _blocks.RemoveAt(index);
    }

    // ---- attributes ----

    public bool HasAttribute(string name) => FindAttribute(name) >= 0;

    public Attribute? GetAttribute(string name)
    {
        int i = FindAttribute(name);
        return i < 0 ? null : _attributes[i].Value;
    }

    public Node SetAttribute(string name, Attribute value)
    {
        int i = FindAttribute(name);
        if (i < 0) _attributes.Add(new(name, value));
        else _attributes[i] = new(name, value);
        return this;
    }

    public void RemoveAttribute(string name)
    {
        int i = FindAttribute(name);
        if (i >= 0) _attributes.RemoveAt(i);
    }

    private int FindAttribute(string name)
    {
        for (int i = 0; i < _attributes.Count; i++)
            if (_attributes[i].Key == name) return i;
        return -1;
    }

    public long IntAttr(string name) => (long)RequireAttr(name, AttributeKind.Int).Value;
    public double FloatAttr(string name) => (double)RequireAttr(name, AttributeKind.Float).Value;
    public string StringAttr(string name) => (string)RequireAttr(name, AttributeKind.String).Value;

    private Attribute RequireAttr(string name, AttributeKind kind)
    {
        var a = GetAttribute(name) ?? throw new JitIrException($"{Kind} has no attribute '{name}'");
        if (a.Kind != kind) throw new JitIrException($"attribute '{name}' of {Kind} is {a.Kind}, expected {kind}");
        return a;
    }

    // ---- position ----

    public bool IsInserted => Owner is not null;

    /// <summary>Inserts this (uninserted) node just before <paramref name="n"/>.</summary>
    public Node InsertBefore(Node n)
    {
        if (n.PrevNode is null) throw new JitIrException($"cannot insert before {n.Kind}: it is not in a block");
        return InsertAfter(n.PrevNode);
    }

    /// <summary>Inserts this (uninserted) node just after <paramref name="n"/>.</summary>
    public Node InsertAfter(Node n)
    {
        if (IsInserted) throw new JitIrException($"{Kind} is already in a block; use MoveAfter");
        if (n.Owner is null || n.NextNode is null) throw new JitIrException($"cannot insert after {n.Kind}: it is not in a block");
        if (n == n.Owner.ReturnNode) throw new JitIrException("cannot insert after a block's return node");
        Owner = n.Owner;
        var next = n.NextNode;
        n.NextNode = this;
        PrevNode = n;
        NextNode = next;
        next.PrevNode = this;
        Owner.AssignTopoPosition(this);
        return this;
    }

    public void MoveBefore(Node n)
    {
        RemoveFromList();
        InsertBefore(n);
    }

    public void MoveAfter(Node n)
    {
        RemoveFromList();
        InsertAfter(n);
    }

    /// <summary>Unlinks the node from its block without touching its inputs or outputs.</summary>
    public void RemoveFromList()
    {
        if (Owner is null) return;
        PrevNode!.NextNode = NextNode;
        NextNode!.PrevNode = PrevNode;
        PrevNode = NextNode = null;
        Owner = null;
    }

    /// <summary>Whether this node comes before <paramref name="n"/> in program (printed) order (both inserted).</summary>
    public bool IsBefore(Node n) => n != this && ProgramOrder(this, n) < 0;

    /// <summary>
    /// Whether this node comes after <paramref name="n"/> in program (printed) order: a node's
    /// nested blocks come after it, and block0's nodes before block1's.
    /// </summary>
    public bool IsAfter(Node n) => n != this && ProgramOrder(this, n) > 0;

    private static int ProgramOrder(Node x, Node y)
    {
        var pathX = PathFromTop(x);
        var pathY = PathFromTop(y);
        int i = 0;
        while (i < pathX.Count && i < pathY.Count && pathX[i] == pathY[i]) i++;
        if (i == pathX.Count || i == pathY.Count) return pathX.Count.CompareTo(pathY.Count); // ancestor first
        Node a = pathX[i], b = pathY[i];
        if (a.Owner == b.Owner) return a.TopoPosition.CompareTo(b.TopoPosition);
        // Different blocks of the same node (the common ancestor pathX[i - 1]): block order decides.
        var owner = a.Owner!.OwningNode!;
        return owner.Blocks.ToList().IndexOf(a.Owner).CompareTo(owner.Blocks.ToList().IndexOf(b.Owner!));
    }

    /// <summary>The node's ancestors from the top block down, ending with the node itself.</summary>
    private static List<Node> PathFromTop(Node n)
    {
        if (n.Owner is null) throw new JitIrException($"cannot order {n.Kind}: it is not in a block");
        var path = new List<Node>();
        for (Node? cur = n; cur is not null; cur = cur.Owner?.OwningNode)
        {
            if (cur.Owner is null) throw new JitIrException($"cannot order {n.Kind}: an enclosing node is not in a block");
            path.Add(cur);
        }
        path.Reverse();
        return path;
    }

    /// <summary>Whether this node is inside one of <paramref name="n"/>'s blocks, at any depth.</summary>
    public bool IsDescendantOf(Node n)
    {
        for (var blk = Owner; blk?.OwningNode is { } on; blk = on.Owner)
            if (on == n) return true;
        return false;
    }

    /// <summary>Whether this node is in <paramref name="b"/> or nested anywhere inside it.</summary>
    public bool IsDescendantOfBlock(Block b)
    {
        for (var blk = Owner; blk is not null; blk = blk.OwningNode?.Owner)
            if (blk == b) return true;
        return false;
    }

    /// <summary>Removes the node: its outputs must have no uses. Inputs' use lists are updated.</summary>
    public void Destroy()
    {
        for (int i = _outputs.Count - 1; i >= 0; i--) EraseOutput(i);
        for (int i = _blocks.Count - 1; i >= 0; i--) EraseBlock(i);
        RemoveAllInputs();
        RemoveFromList();
    }

    public override string ToString() => Text.IrPrinter.PrintNode(this);
}
