using System.Buffers.Binary;

namespace Jit.Serialization.FlatBuffers;

/// <summary>A struct in a verified buffer; fields are read at their byte offset inside the struct.</summary>
public readonly struct FbStruct
{
    private readonly ReadOnlyMemory<byte> _buffer;

    public int Position { get; }

    internal FbStruct(ReadOnlyMemory<byte> buffer, int position)
    {
        _buffer = buffer;
        Position = position;
    }

    private ReadOnlySpan<byte> At(int offset) => _buffer.Span[(Position + offset)..];

    public byte GetByte(int offset) => At(offset)[0];
    public sbyte GetSByte(int offset) => (sbyte)At(offset)[0];
    public bool GetBool(int offset) => At(offset)[0] != 0;
    public short GetInt16(int offset) => BinaryPrimitives.ReadInt16LittleEndian(At(offset));
    public ushort GetUInt16(int offset) => BinaryPrimitives.ReadUInt16LittleEndian(At(offset));
    public int GetInt32(int offset) => BinaryPrimitives.ReadInt32LittleEndian(At(offset));
    public uint GetUInt32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(At(offset));
    public long GetInt64(int offset) => BinaryPrimitives.ReadInt64LittleEndian(At(offset));
    public ulong GetUInt64(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(At(offset));
    public float GetFloat(int offset) => BinaryPrimitives.ReadSingleLittleEndian(At(offset));
    public double GetDouble(int offset) => BinaryPrimitives.ReadDoubleLittleEndian(At(offset));
}
