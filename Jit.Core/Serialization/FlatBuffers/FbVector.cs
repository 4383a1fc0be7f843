using System.Buffers.Binary;

namespace Jit.Serialization.FlatBuffers;

/// <summary>
/// A vector in a verified buffer. The element type is the caller's (from the schema); the
/// verifier has checked that <see cref="Length"/> elements of that size lie inside the buffer.
/// </summary>
public readonly struct FbVector
{
    private readonly ReadOnlyMemory<byte> _buffer;

    /// <summary>Position of element 0 (just after the 4-byte length).</summary>
    public int Position { get; }
    public int Length { get; }

    private FbVector(ReadOnlyMemory<byte> buffer, int position, int length)
    {
        _buffer = buffer;
        Position = position;
        Length = length;
    }

    internal static FbVector At(ReadOnlyMemory<byte> buffer, int lengthPosition) =>
        new(buffer, lengthPosition + 4, (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.Span[lengthPosition..]));

    /// <summary>The raw element bytes, zero-copy (e.g. a ubyte vector of tensor data).</summary>
    public ReadOnlyMemory<byte> Bytes(int elementSize) => _buffer.Slice(Position, checked(Length * elementSize));

    private ReadOnlySpan<byte> Element(int index, int size)
    {
        if ((uint)index >= (uint)Length) throw new ArgumentOutOfRangeException(nameof(index), $"index {index} outside vector of {Length}");
        return _buffer.Span.Slice(Position + index * size, size);
    }

    public byte GetByte(int i) => Element(i, 1)[0];
    public sbyte GetSByte(int i) => (sbyte)Element(i, 1)[0];
    public bool GetBool(int i) => Element(i, 1)[0] != 0;
    public short GetInt16(int i) => BinaryPrimitives.ReadInt16LittleEndian(Element(i, 2));
    public ushort GetUInt16(int i) => BinaryPrimitives.ReadUInt16LittleEndian(Element(i, 2));
    public int GetInt32(int i) => BinaryPrimitives.ReadInt32LittleEndian(Element(i, 4));
    public uint GetUInt32(int i) => BinaryPrimitives.ReadUInt32LittleEndian(Element(i, 4));
    public long GetInt64(int i) => BinaryPrimitives.ReadInt64LittleEndian(Element(i, 8));
    public ulong GetUInt64(int i) => BinaryPrimitives.ReadUInt64LittleEndian(Element(i, 8));
    public float GetFloat(int i) => BinaryPrimitives.ReadSingleLittleEndian(Element(i, 4));
    public double GetDouble(int i) => BinaryPrimitives.ReadDoubleLittleEndian(Element(i, 8));

    public FbStruct GetStruct(int i, int structSize)
    {
        Element(i, structSize);
        return new FbStruct(_buffer, Position + i * structSize);
    }

    public FbTable GetTable(int i) => new(_buffer, Deref(i));

    public string GetString(int i) => FbTable.ReadString(_buffer, Deref(i));

    /// <summary>Element <paramref name="i"/> of a vector of unions whose value is a struct.</summary>
    public FbStruct GetUnionStruct(int i) => new(_buffer, Deref(i));

    private int Deref(int i)
    {
        int pos = Position + 4 * i;
        return pos + (int)BinaryPrimitives.ReadUInt32LittleEndian(Element(i, 4));
    }

    public int[] ToInt32Array() { var a = new int[Length]; for (int i = 0; i < a.Length; i++) a[i] = GetInt32(i); return a; }
    public uint[] ToUInt32Array() { var a = new uint[Length]; for (int i = 0; i < a.Length; i++) a[i] = GetUInt32(i); return a; }
    public long[] ToInt64Array() { var a = new long[Length]; for (int i = 0; i < a.Length; i++) a[i] = GetInt64(i); return a; }
    public double[] ToDoubleArray() { var a = new double[Length]; for (int i = 0; i < a.Length; i++) a[i] = GetDouble(i); return a; }
    public bool[] ToBoolArray() { var a = new bool[Length]; for (int i = 0; i < a.Length; i++) a[i] = GetBool(i); return a; }
    public string[] ToStringArray() { var a = new string[Length]; for (int i = 0; i < a.Length; i++) a[i] = GetString(i); return a; }
}
