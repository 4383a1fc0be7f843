namespace Jit.Serialization.FlatBuffers;

/// <summary>One member of a union: a table (<see cref="Table"/> set) or a struct (size and alignment).</summary>
public sealed record FbUnionMember(string Name, FbTableDef? Table, int StructSize, int StructAlignment)
{
    public bool IsStruct => Table is null;
}
