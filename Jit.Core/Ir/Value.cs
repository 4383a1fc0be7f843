using Jit.Errors;

namespace Jit.Ir;

/// <summary>
/// An SSA value: output number <see cref="Offset"/> of <see cref="Node"/> (block inputs are outputs
/// of the block's <c>prim::Param</c> node). Keeps the list of its uses.
/// </summary>
public sealed partial class Value
{
    internal readonly List<Use> UseList = [];
    private string? _debugName;

    internal Value(Node node, int offset, JitType type, int id)
    {
        Node = node;
        Offset = offset;
        Type = type;
        Id = id;
    }

    /// <summary>Unique within the graph; printed as <c>%Id</c> when the value has no debug name.</summary>
    public int Id { get; internal set; }
    public Node Node { get; internal set; }
    public int Offset { get; internal set; }
    public JitType Type { get; set; }
    public Graph Graph => Node.Graph;
    public IReadOnlyList<Use> Uses => UseList;
    public bool HasUses => UseList.Count > 0;

    public string? DebugName => _debugName;
    public bool HasDebugName => _debugName is not null;
    /// <summary>The name printed after <c>%</c>: the debug name, or the id.</summary>
    public string DisplayName => _debugName ?? Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Names the value. As in PyTorch, a name already taken moves the other value to
    /// <c>name.N</c>; names made only of digits are reserved for ids.
    /// </summary>
    public Value SetDebugName(string? name)
    {
        Graph.Names.Rename(this, name);
        return this;
    }

    internal void SetDebugNameRaw(string? name) => _debugName = name;

    public Value SetType(JitType type)
    {
        Type = type;
        return this;
    }

    /// <summary>Every use of this value becomes a use of <paramref name="newValue"/>.</summary>
    public void ReplaceAllUsesWith(Value newValue)
    {
        if (ReferenceEquals(newValue, this)) return;
        if (newValue.Graph != Graph)
            throw new JitIrException($"cannot replace %{DisplayName} with %{newValue.DisplayName}: they belong to different graphs");
        foreach (var use in UseList.ToArray())
            use.User.ReplaceInput(use.Offset, newValue);
    }

    /// <summary>Replaces only the uses that come after <paramref name="node"/> in program order.</summary>
    public void ReplaceAllUsesAfterNodeWith(Node node, Value newValue)
    {
        foreach (var use in UseList.ToArray())
        {
            if (use.User.IsAfter(node)) use.User.ReplaceInput(use.Offset, newValue);
        }
    }

    public override string ToString() => $"%{DisplayName} : {Type}";
}
