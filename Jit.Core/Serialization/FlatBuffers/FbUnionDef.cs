namespace Jit.Serialization.FlatBuffers;

/// <summary>
/// A union type: which type byte selects which member. Members are tables or, out of line, structs.
/// Type 0 is always NONE.
/// </summary>
public sealed class FbUnionDef
{
    private readonly Dictionary<byte, FbUnionMember> _members = [];

    public string Name { get; }
    public IReadOnlyDictionary<byte, FbUnionMember> Members => _members;

    public FbUnionDef(string name) => Name = name;

    public FbUnionDef Table(byte type, string name, FbTableDef table) => Add(type, new FbUnionMember(name, table, 0, 0));

    public FbUnionDef Struct(byte type, string name, int size, int alignment) => Add(type, new FbUnionMember(name, null, size, alignment));

    private FbUnionDef Add(byte type, FbUnionMember member)
    {
        if (type == 0) throw new ArgumentException($"union {Name}: type 0 is NONE");
        if (!_members.TryAdd(type, member)) throw new ArgumentException($"union {Name}: type {type} defined twice");
        return this;
    }

    public override string ToString() => Name;
}
