using Jit.Errors;

namespace Jit.Ir;

/// <summary>
/// A graph in SSA form: one top-level <see cref="Block"/>, nodes with use lists, unique value names.
/// New nodes go in at the insertion point (by default the end of the top block).
/// </summary>
public sealed partial class Graph
{
    private int _nextValueId;
    private Node _insertPoint;

    public Graph()
    {
        Block = new Block(this, null);
        _insertPoint = Block.ReturnNode;
    }

    public Block Block { get; }
    public IReadOnlyList<Value> Inputs => Block.Inputs;
    public IReadOnlyList<Value> Outputs => Block.Outputs;
    public IEnumerable<Node> Nodes => Block.Nodes;
    internal ValueNames Names { get; } = new();

    internal int NextValueId() => _nextValueId++;

    /// <summary>Makes ids handed out from now on larger than <paramref name="id"/> (the IR parser keeps numeric names as ids).</summary>
    internal void ReserveValueId(int id) => _nextValueId = Math.Max(_nextValueId, id + 1);

    public Value AddInput(string? name = null, JitType? type = null) => Block.AddInput(name, type);
    public Value InsertInput(int index, string? name = null, JitType? type = null) => Block.InsertInput(index, name, type);
    public void EraseInput(int index) => Block.EraseInput(index);
    public int RegisterOutput(Value v) => Block.RegisterOutput(v);
    public void EraseOutput(int index) => Block.EraseOutput(index);

    /// <summary>A new node, not yet inserted, with <paramref name="numOutputs"/> outputs of unknown tensor type.</summary>
    public Node Create(string kind, IEnumerable<Value>? inputs = null, int numOutputs = 1)
    {
        if (string.IsNullOrEmpty(kind)) throw new JitIrException("node kind must not be empty");
        var n = new Node(this, kind);
        if (inputs is not null)
            foreach (var v in inputs) n.AddInput(v);
        for (int i = 0; i < numOutputs; i++) n.AddOutput();
        return n;
    }

    /// <summary>Inserts an uninserted node at the insertion point.</summary>
    public Node Insert(Node n) => n.InsertBefore(_insertPoint);

    /// <summary>Creates and inserts a node at the insertion point.</summary>
    public Node InsertNode(string kind, IEnumerable<Value>? inputs = null, int numOutputs = 1) =>
        Insert(Create(kind, inputs, numOutputs));

    /// <summary>New nodes go just before <paramref name="n"/>.</summary>
    public void SetInsertPoint(Node n) => _insertPoint = n;

    /// <summary>New nodes go at the end of <paramref name="b"/>.</summary>
    public void SetInsertPoint(Block b) => _insertPoint = b.ReturnNode;

    public Node InsertPoint => _insertPoint;

    /// <summary>Sets the insertion point before <paramref name="n"/> until the guard is disposed.</summary>
    public InsertPointGuard InsertPointAt(Node n)
    {
        var guard = new InsertPointGuard(this, _insertPoint);
        _insertPoint = n;
        return guard;
    }

    public InsertPointGuard InsertPointAt(Block b) => InsertPointAt(b.ReturnNode);

    /// <summary>Every node in the graph, nested blocks included, in program order.</summary>
    public IEnumerable<Node> AllNodes() => AllNodes(Block);

    public static IEnumerable<Node> AllNodes(Block b)
    {
        foreach (var n in b.Nodes)
        {
            yield return n;
            foreach (var sub in n.Blocks)
                foreach (var m in AllNodes(sub)) yield return m;
        }
    }

    public override string ToString() => Text.IrPrinter.Print(this);
}
