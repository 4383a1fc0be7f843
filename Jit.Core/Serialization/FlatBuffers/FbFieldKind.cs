namespace Jit.Serialization.FlatBuffers;

/// <summary>How a table field is stored, which is all the verifier needs to know to check it.</summary>
public enum FbFieldKind : byte
{
    /// <summary>An inline scalar of <see cref="FbField.Size"/> bytes (1, 2, 4 or 8).</summary>
    Scalar,
    /// <summary>An inline struct of <see cref="FbField.Size"/> bytes aligned to <see cref="FbField.Alignment"/>.</summary>
    Struct,
    /// <summary>A uoffset to a NUL-terminated UTF-8 string.</summary>
    String,
    /// <summary>A uoffset to a table of type <see cref="FbField.Table"/>.</summary>
    Table,
    /// <summary>A uoffset to a vector of scalars or structs of <see cref="FbField.Size"/> bytes each.</summary>
    Vector,
    /// <summary>A uoffset to a vector of uoffsets to strings.</summary>
    VectorOfStrings,
    /// <summary>A uoffset to a vector of uoffsets to tables of type <see cref="FbField.Table"/>.</summary>
    VectorOfTables,
    /// <summary>A union: a ubyte type in <see cref="FbField.TypeSlot"/> and a uoffset in <see cref="FbField.Slot"/>.</summary>
    Union,
    /// <summary>A vector of unions: a vector of ubyte types in <see cref="FbField.TypeSlot"/>, a vector of uoffsets in <see cref="FbField.Slot"/>.</summary>
    VectorOfUnions,
}
