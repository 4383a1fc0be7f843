namespace Jit.Serialization.FlatBuffers;

/// <summary>
/// One field of a table as the verifier sees it: its slot (field id, so its vtable entry is at
/// <c>4 + 2 * slot</c>), its storage kind and, for nested data, what it points at.
/// </summary>
public sealed class FbField
{
    public string Name { get; }
    public int Slot { get; }
    public FbFieldKind Kind { get; }
    /// <summary>Scalar or struct size; element size for <see cref="FbFieldKind.Vector"/>.</summary>
    public int Size { get; }
    /// <summary>Required alignment of the scalar, the struct, or each vector element.</summary>
    public int Alignment { get; }
    public FbTableDef? Table { get; }
    public FbUnionDef? Union { get; }
    /// <summary>For unions, the slot of the ubyte type field (or of the type vector).</summary>
    public int TypeSlot { get; }
    /// <summary>The field must be present (flatc's <c>(required)</c>).</summary>
    public bool Required { get; }

    internal FbField(string name, int slot, FbFieldKind kind, int size, int alignment,
        FbTableDef? table, FbUnionDef? union, int typeSlot, bool required)
    {
        if (slot < 0 || slot > 32766) throw new ArgumentOutOfRangeException(nameof(slot));
        if (alignment is not (1 or 2 or 4 or 8 or 16 or 32)) throw new ArgumentOutOfRangeException(nameof(alignment));
        Name = name;
        Slot = slot;
        Kind = kind;
        Size = size;
        Alignment = alignment;
        Table = table;
        Union = union;
        TypeSlot = typeSlot;
        Required = required;
    }

    /// <summary>Bytes the field takes inside its table.</summary>
    internal int InlineSize => Kind is FbFieldKind.Scalar or FbFieldKind.Struct ? Size : 4;

    internal int InlineAlignment => Kind is FbFieldKind.Scalar or FbFieldKind.Struct ? Alignment : 4;
}
