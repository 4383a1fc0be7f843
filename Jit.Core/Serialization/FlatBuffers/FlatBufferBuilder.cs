using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Jit.Serialization.FlatBuffers;

/// <summary>
/// Writes a FlatBuffer back to front, as the official builders do: children first, so every
/// uoffset points forward. Offsets handed out are distances from the end of the buffer.
/// Identical vtables are shared.
/// </summary>
public sealed class FlatBufferBuilder
{
    // The official maximum: offsets are sign-checked 32-bit values.
    private const int MaxSize = int.MaxValue - 8;

    private byte[] _buf;
    private int _space;
    private int _minAlign = 1;
    private int[] _vtable = [];
    private int _vtableSize = -1;
    private int _objectStart;
    private int _vectorCount = -1;
    private readonly List<int> _vtables = [];
    private readonly Dictionary<string, int> _sharedStrings = new(StringComparer.Ordinal);
    private bool _finished;

    public FlatBufferBuilder(int initialSize = 1024)
    {
        _buf = new byte[Math.Max(16, initialSize)];
        _space = _buf.Length;
    }

    /// <summary>Write scalar fields even when they equal their default (flatc's <c>--force-defaults</c>).</summary>
    public bool ForceDefaults { get; set; }

    /// <summary>Bytes written so far; also the offset of whatever was written last.</summary>
    public int Offset => _buf.Length - _space;

    private void Grow(int needed)
    {
        long size = _buf.Length;
        while (size - (_buf.Length - _space) < needed) size *= 2;
        if (size > MaxSize)
            throw new InvalidOperationException($"a FlatBuffer cannot exceed {MaxSize} bytes");
        var bigger = new byte[size];
        int used = _buf.Length - _space;
        _buf.AsSpan(_space).CopyTo(bigger.AsSpan((int)size - used));
        _buf = bigger;
        _space = (int)size - used;
    }

    /// <summary>Pads so that, after <paramref name="additionalBytes"/> more, the next write of
    /// <paramref name="size"/> bytes is aligned to <paramref name="size"/>.</summary>
    public void Prep(int size, int additionalBytes)
    {
        if (size > _minAlign) _minAlign = size;
        int alignSize = (~(Offset + additionalBytes) + 1) & (size - 1);
        long needed = (long)alignSize + size + additionalBytes;
        if (needed > MaxSize) throw new InvalidOperationException($"a FlatBuffer cannot exceed {MaxSize} bytes");
        if (_space < needed) Grow((int)needed);
        for (int i = 0; i < alignSize; i++) _buf[--_space] = 0;
    }

    private Span<byte> Claim(int n) { _space -= n; return _buf.AsSpan(_space, n); }

    public void AddByte(byte v) { Prep(1, 0); Claim(1)[0] = v; }
    public void AddSByte(sbyte v) => AddByte((byte)v);
    public void AddBool(bool v) => AddByte(v ? (byte)1 : (byte)0);
    public void AddInt16(short v) { Prep(2, 0); BinaryPrimitives.WriteInt16LittleEndian(Claim(2), v); }
    public void AddUInt16(ushort v) { Prep(2, 0); BinaryPrimitives.WriteUInt16LittleEndian(Claim(2), v); }
    public void AddInt32(int v) { Prep(4, 0); BinaryPrimitives.WriteInt32LittleEndian(Claim(4), v); }
    public void AddUInt32(uint v) { Prep(4, 0); BinaryPrimitives.WriteUInt32LittleEndian(Claim(4), v); }
    public void AddInt64(long v) { Prep(8, 0); BinaryPrimitives.WriteInt64LittleEndian(Claim(8), v); }
    public void AddUInt64(ulong v) { Prep(8, 0); BinaryPrimitives.WriteUInt64LittleEndian(Claim(8), v); }
    public void AddFloat(float v) { Prep(4, 0); BinaryPrimitives.WriteSingleLittleEndian(Claim(4), v); }
    public void AddDouble(double v) { Prep(8, 0); BinaryPrimitives.WriteDoubleLittleEndian(Claim(8), v); }

    /// <summary>Writes a uoffset to something already written at <paramref name="offset"/>.</summary>
    public void AddOffset(int offset)
    {
        Prep(4, 0);
        if (offset <= 0 || offset > Offset) throw new ArgumentOutOfRangeException(nameof(offset), "an offset must refer to something already written");
        int relative = Offset - offset + 4; // computed before Claim moves Offset
        BinaryPrimitives.WriteInt32LittleEndian(Claim(4), relative);
    }

    // ---- tables ----

    public void StartTable(int slotCount)
    {
        if (_vtableSize >= 0 || _vectorCount >= 0) throw new InvalidOperationException("StartTable inside another table or vector");
        if (_vtable.Length < slotCount) _vtable = new int[slotCount];
        Array.Clear(_vtable, 0, slotCount);
        _vtableSize = slotCount;
        _objectStart = Offset;
    }

    private void Slot(int slot)
    {
        if ((uint)slot >= (uint)_vtableSize) throw new ArgumentOutOfRangeException(nameof(slot), $"slot {slot} outside the table's {_vtableSize} slots");
        _vtable[slot] = Offset;
    }

    public void AddField(int slot, byte v, byte def) { if (ForceDefaults || v != def) { AddByte(v); Slot(slot); } }
    public void AddField(int slot, sbyte v, sbyte def) { if (ForceDefaults || v != def) { AddSByte(v); Slot(slot); } }
    public void AddField(int slot, bool v, bool def) { if (ForceDefaults || v != def) { AddBool(v); Slot(slot); } }
    public void AddField(int slot, short v, short def) { if (ForceDefaults || v != def) { AddInt16(v); Slot(slot); } }
    public void AddField(int slot, ushort v, ushort def) { if (ForceDefaults || v != def) { AddUInt16(v); Slot(slot); } }
    public void AddField(int slot, int v, int def) { if (ForceDefaults || v != def) { AddInt32(v); Slot(slot); } }
    public void AddField(int slot, uint v, uint def) { if (ForceDefaults || v != def) { AddUInt32(v); Slot(slot); } }
    public void AddField(int slot, long v, long def) { if (ForceDefaults || v != def) { AddInt64(v); Slot(slot); } }
    public void AddField(int slot, ulong v, ulong def) { if (ForceDefaults || v != def) { AddUInt64(v); Slot(slot); } }
    // Bitwise comparison so that -0.0 and NaN payloads different from the default are kept.
    public void AddField(int slot, float v, float def) { if (ForceDefaults || BitConverter.SingleToInt32Bits(v) != BitConverter.SingleToInt32Bits(def)) { AddFloat(v); Slot(slot); } }
    public void AddField(int slot, double v, double def) { if (ForceDefaults || BitConverter.DoubleToInt64Bits(v) != BitConverter.DoubleToInt64Bits(def)) { AddDouble(v); Slot(slot); } }

    /// <summary>A reference field; 0 means absent.</summary>
    public void AddOffsetField(int slot, int offset) { if (offset != 0) { AddOffset(offset); Slot(slot); } }

    /// <summary>An inline struct field: its little-endian bytes, padded as the struct declares.</summary>
    public void AddStructField(int slot, ReadOnlySpan<byte> bytes, int alignment)
    {
        Prep(alignment, bytes.Length);
        bytes.CopyTo(Claim(bytes.Length));
        Slot(slot);
    }

    public int EndTable()
    {
        if (_vtableSize < 0) throw new InvalidOperationException("EndTable without StartTable");
        AddInt32(0); // the soffset to the vtable, patched below
        int tableOffset = Offset;
        int used = _vtableSize;
        while (used > 0 && _vtable[used - 1] == 0) used--;
        for (int i = used - 1; i >= 0; i--)
            AddUInt16(_vtable[i] != 0 ? checked((ushort)(tableOffset - _vtable[i])) : (ushort)0);
        AddUInt16(checked((ushort)(tableOffset - _objectStart)));
        AddUInt16(checked((ushort)((used + 2) * 2)));

        int vtSize = (used + 2) * 2;
        var candidate = _buf.AsSpan(_space, vtSize);
        int existing = 0;
        foreach (int vt in _vtables)
        {
            var other = _buf.AsSpan(_buf.Length - vt);
            if (BinaryPrimitives.ReadUInt16LittleEndian(other) == vtSize && other[..vtSize].SequenceEqual(candidate))
            {
                existing = vt;
                break;
            }
        }
        if (existing != 0)
        {
            _space = _buf.Length - tableOffset;
            BinaryPrimitives.WriteInt32LittleEndian(_buf.AsSpan(_space), existing - tableOffset);
        }
        else
        {
            _vtables.Add(Offset);
            BinaryPrimitives.WriteInt32LittleEndian(_buf.AsSpan(_buf.Length - tableOffset), Offset - tableOffset);
        }
        _vtableSize = -1;
        return tableOffset;
    }

    // ---- vectors, strings, structs ----

    public void StartVector(int elementSize, int count, int alignment)
    {
        if (_vtableSize >= 0 || _vectorCount >= 0) throw new InvalidOperationException("StartVector inside a table or vector");
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        long bytes = (long)elementSize * count;
        if (bytes > MaxSize) throw new InvalidOperationException($"a vector of {count} x {elementSize} bytes is too large");
        _vectorCount = count;
        Prep(4, (int)bytes);
        Prep(alignment, (int)bytes);
    }

    public int EndVector()
    {
        if (_vectorCount < 0) throw new InvalidOperationException("EndVector without StartVector");
        // The length sits right before the elements; no padding may come between them.
        BinaryPrimitives.WriteUInt32LittleEndian(Claim(4), (uint)_vectorCount);
        _vectorCount = -1;
        return Offset;
    }

    public int CreateString(string s)
    {
        int len = Encoding.UTF8.GetByteCount(s);
        Prep(4, len + 1);
        Claim(1)[0] = 0;
        StartVector(1, len, 1);
        Encoding.UTF8.GetBytes(s, Claim(len));
        return EndVector();
    }

    /// <summary>Writes each distinct string once (flatc's CreateSharedString).</summary>
    public int CreateSharedString(string s)
    {
        if (_sharedStrings.TryGetValue(s, out int off)) return off;
        off = CreateString(s);
        _sharedStrings[s] = off;
        return off;
    }

    /// <summary>A vector of raw bytes, its data aligned to <paramref name="alignment"/> (tensor storage wants 16 or more).</summary>
    public int CreateByteVector(ReadOnlySpan<byte> data, int alignment = 1)
    {
        StartVector(1, data.Length, alignment);
        data.CopyTo(Claim(data.Length));
        return EndVector();
    }

    /// <summary>A vector of little-endian scalars (byte, short, int, long, float, double and unsigned kinds).</summary>
    public int CreateScalarVector<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        StartVector(size, values.Length, size);
        var dst = Claim(values.Length * size);
        MemoryMarshal.AsBytes(values).CopyTo(dst);
        if (!BitConverter.IsLittleEndian && size > 1)
            for (int i = 0; i < dst.Length; i += size) dst.Slice(i, size).Reverse();
        return EndVector();
    }

    /// <summary>A vector of structs given as their packed little-endian bytes.</summary>
    public int CreateStructVector(ReadOnlySpan<byte> packed, int structSize, int alignment)
    {
        if (structSize <= 0 || packed.Length % structSize != 0) throw new ArgumentException("packed bytes are not a whole number of structs");
        StartVector(structSize, packed.Length / structSize, alignment);
        packed.CopyTo(Claim(packed.Length));
        return EndVector();
    }

    /// <summary>A vector of uoffsets (tables, strings, union values).</summary>
    public int CreateOffsetVector(ReadOnlySpan<int> offsets)
    {
        StartVector(4, offsets.Length, 4);
        for (int i = offsets.Length - 1; i >= 0; i--) AddOffset(offsets[i]);
        _vectorCount = offsets.Length;
        return EndVector();
    }

    /// <summary>A struct out of line, as a union member.</summary>
    public int CreateStruct(ReadOnlySpan<byte> bytes, int alignment)
    {
        Prep(alignment, bytes.Length);
        bytes.CopyTo(Claim(bytes.Length));
        return Offset;
    }

    // ---- finishing ----

    /// <summary>Writes the root offset (and identifier, size prefix) and returns the finished bytes.</summary>
    public byte[] Finish(int root, string? fileIdentifier = null, bool sizePrefixed = false)
    {
        if (_finished) throw new InvalidOperationException("the buffer is already finished");
        if (fileIdentifier is not null && (fileIdentifier.Length != 4 || !Ascii.IsValid(fileIdentifier)))
            throw new ArgumentException("a file identifier is 4 ASCII characters", nameof(fileIdentifier));
        Prep(_minAlign, 4 + (fileIdentifier is null ? 0 : 4) + (sizePrefixed ? 4 : 0));
        if (fileIdentifier is not null)
            for (int i = 3; i >= 0; i--) AddByte((byte)fileIdentifier[i]);
        AddOffset(root);
        if (sizePrefixed) AddInt32(Offset);
        _finished = true;
        return _buf.AsSpan(_space).ToArray();
    }
}
