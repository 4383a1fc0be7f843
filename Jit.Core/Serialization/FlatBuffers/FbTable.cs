using System.Buffers.Binary;
using System.Text;

namespace Jit.Serialization.FlatBuffers;

/// <summary>
/// A table in a verified buffer. Fields are addressed by slot (field id); absent fields give the
/// schema default the caller passes, as generated FlatBuffers code does.
/// </summary>
public readonly struct FbTable
{
    private readonly ReadOnlyMemory<byte> _buffer;

    public int Position { get; }

    internal FbTable(ReadOnlyMemory<byte> buffer, int position)
    {
        _buffer = buffer;
        Position = position;
    }

    public ReadOnlyMemory<byte> Buffer => _buffer;

    private ReadOnlySpan<byte> Span => _buffer.Span;

    /// <summary>Offset of the field from the table start, or 0 when absent.</summary>
    public int FieldOffset(int slot)
    {
        var span = Span;
        int vt = Position - BinaryPrimitives.ReadInt32LittleEndian(span[Position..]);
        int vtSize = BinaryPrimitives.ReadUInt16LittleEndian(span[vt..]);
        int entry = 4 + 2 * slot;
        return entry + 2 > vtSize ? 0 : BinaryPrimitives.ReadUInt16LittleEndian(span[(vt + entry)..]);
    }

    public bool Has(int slot) => FieldOffset(slot) != 0;

    private int At(int slot) { int o = FieldOffset(slot); return o == 0 ? -1 : Position + o; }

    public byte GetByte(int slot, byte def = 0) { int p = At(slot); return p < 0 ? def : Span[p]; }
    public sbyte GetSByte(int slot, sbyte def = 0) { int p = At(slot); return p < 0 ? def : (sbyte)Span[p]; }
    public bool GetBool(int slot, bool def = false) { int p = At(slot); return p < 0 ? def : Span[p] != 0; }
    public short GetInt16(int slot, short def = 0) { int p = At(slot); return p < 0 ? def : BinaryPrimitives.ReadInt16LittleEndian(Span[p..]); }
    public ushort GetUInt16(int slot, ushort def = 0) { int p = At(slot); return p < 0 ? def : BinaryPrimitives.ReadUInt16LittleEndian(Span[p..]); }
    public int GetInt32(int slot, int def = 0) { int p = At(slot); return p < 0 ? def : BinaryPrimitives.ReadInt32LittleEndian(Span[p..]); }
    public uint GetUInt32(int slot, uint def = 0) { int p = At(slot); return p < 0 ? def : BinaryPrimitives.ReadUInt32LittleEndian(Span[p..]); }
    public long GetInt64(int slot, long def = 0) { int p = At(slot); return p < 0 ? def : BinaryPrimitives.ReadInt64LittleEndian(Span[p..]); }
    public ulong GetUInt64(int slot, ulong def = 0) { int p = At(slot); return p < 0 ? def : BinaryPrimitives.ReadUInt64LittleEndian(Span[p..]); }
    public float GetFloat(int slot, float def = 0) { int p = At(slot); return p < 0 ? def : BinaryPrimitives.ReadSingleLittleEndian(Span[p..]); }
    public double GetDouble(int slot, double def = 0) { int p = At(slot); return p < 0 ? def : BinaryPrimitives.ReadDoubleLittleEndian(Span[p..]); }

    /// <summary>An inline struct field, or null when absent.</summary>
    public FbStruct? GetStruct(int slot) { int p = At(slot); return p < 0 ? null : new FbStruct(_buffer, p); }

    public string? GetString(int slot) { int p = Target(slot); return p < 0 ? null : ReadString(_buffer, p); }

    public FbTable? GetTable(int slot) { int p = Target(slot); return p < 0 ? null : new FbTable(_buffer, p); }

    /// <summary>A vector field; an absent vector reads as empty (check <see cref="Has"/> to tell them apart).</summary>
    public FbVector GetVector(int slot) { int p = Target(slot); return p < 0 ? default : FbVector.At(_buffer, p); }

    /// <summary>The union's type byte (0 = NONE), read from the union's type slot.</summary>
    public byte GetUnionType(int typeSlot) => GetByte(typeSlot);

    /// <summary>The union value when it is a table.</summary>
    public FbTable? GetUnionTable(int valueSlot) => GetTable(valueSlot);

    /// <summary>The union value when it is a struct (stored out of line).</summary>
    public FbStruct? GetUnionStruct(int valueSlot) { int p = Target(valueSlot); return p < 0 ? null : new FbStruct(_buffer, p); }

    private int Target(int slot)
    {
        int p = At(slot);
        return p < 0 ? -1 : p + (int)BinaryPrimitives.ReadUInt32LittleEndian(Span[p..]);
    }

    internal static string ReadString(ReadOnlyMemory<byte> buffer, int pos)
    {
        var span = buffer.Span;
        int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[pos..]);
        return Encoding.UTF8.GetString(span.Slice(pos + 4, len));
    }
}
