namespace Jit.Serialization.FlatBuffers;

/// <summary>
/// The shape of one table type, written by hand next to its typed reader so that both share the
/// slot numbers. Definitions may refer to each other (and to themselves), so fields are added
/// after construction.
/// </summary>
public sealed class FbTableDef
{
    private readonly List<FbField> _fields = [];

    public string Name { get; }
    public IReadOnlyList<FbField> Fields => _fields;

    public FbTableDef(string name) => Name = name;

    public FbTableDef Scalar(string name, int slot, int size, bool required = false) =>
        Add(new FbField(name, slot, FbFieldKind.Scalar, size, size, null, null, -1, required));

    public FbTableDef Struct(string name, int slot, int size, int alignment, bool required = false) =>
        Add(new FbField(name, slot, FbFieldKind.Struct, size, alignment, null, null, -1, required));

    public FbTableDef String(string name, int slot, bool required = false) =>
        Add(new FbField(name, slot, FbFieldKind.String, 4, 4, null, null, -1, required));

    public FbTableDef Table(string name, int slot, FbTableDef table, bool required = false) =>
        Add(new FbField(name, slot, FbFieldKind.Table, 4, 4, table, null, -1, required));

    /// <summary>A vector of scalars (alignment = size) or of structs (give the struct's alignment).</summary>
    public FbTableDef Vector(string name, int slot, int elementSize, int alignment = 0, bool required = false) =>
        Add(new FbField(name, slot, FbFieldKind.Vector, elementSize, alignment == 0 ? elementSize : alignment, null, null, -1, required));

    public FbTableDef VectorOfStrings(string name, int slot, bool required = false) =>
        Add(new FbField(name, slot, FbFieldKind.VectorOfStrings, 4, 4, null, null, -1, required));

    public FbTableDef VectorOfTables(string name, int slot, FbTableDef table, bool required = false) =>
        Add(new FbField(name, slot, FbFieldKind.VectorOfTables, 4, 4, table, null, -1, required));

    /// <summary>A union field: flatc gives it two slots, the type (<c>name_type</c>) first, then the value.</summary>
    public FbTableDef Union(string name, int typeSlot, int valueSlot, FbUnionDef union, bool required = false) =>
        Add(new FbField(name, valueSlot, FbFieldKind.Union, 4, 4, null, union, typeSlot, required));

    public FbTableDef VectorOfUnions(string name, int typesSlot, int valuesSlot, FbUnionDef union, bool required = false) =>
        Add(new FbField(name, valuesSlot, FbFieldKind.VectorOfUnions, 4, 4, null, union, typesSlot, required));

    private FbTableDef Add(FbField field)
    {
        foreach (var f in _fields)
            if (f.Slot == field.Slot || (field.TypeSlot >= 0 && f.Slot == field.TypeSlot))
                throw new ArgumentException($"table {Name}: slot {field.Slot} of '{field.Name}' is already used by '{f.Name}'");
        _fields.Add(field);
        return this;
    }

    public override string ToString() => Name;
}
