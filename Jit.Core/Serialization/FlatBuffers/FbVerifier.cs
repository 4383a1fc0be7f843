using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using Jit.Errors;

namespace Jit.Serialization.FlatBuffers;

/// <summary>
/// Checks a whole buffer against a schema before anything reads it, as the official
/// <c>flatbuffers::Verifier</c> does: every offset, vtable, field, vector and string in bounds,
/// aligned, strings NUL-terminated (and valid UTF-8), unions consistent, depth and table count
/// bounded. After it passes, <see cref="FbTable"/> and <see cref="FbVector"/> reads cannot leave
/// the buffer. Every failure is a <see cref="JitFormatException"/> with the byte offset.
/// </summary>
public sealed partial class FbVerifier
{
    // Official FLATBUFFERS_MAX_BUFFER_SIZE: offsets are 32-bit and sign-checked.
    private const long MaxBufferSize = int.MaxValue;

    private readonly ReadOnlyMemory<byte> _memory;
    private readonly FbVerifierOptions _options;
    private readonly int _length;
    private int _depth;
    private int _tables;
    // Strings already checked for UTF-8: a vector of a million offsets to one long string must
    // not cost a million scans.
    private HashSet<int>? _checkedStrings;

    private FbVerifier(ReadOnlyMemory<byte> memory, FbVerifierOptions options)
    {
        _memory = memory;
        _options = options;
        _length = memory.Length;
    }

    private ReadOnlySpan<byte> Span => _memory.Span;

    /// <summary>
    /// Verifies <paramref name="buffer"/> whose root is a <paramref name="root"/> table and returns the
    /// root's position. <paramref name="fileIdentifier"/> (4 ASCII chars) is checked when given.
    /// </summary>
    public static int Verify(ReadOnlyMemory<byte> buffer, FbTableDef root, string? fileIdentifier = null,
        bool sizePrefixed = false, FbVerifierOptions? options = null)
    {
        var v = new FbVerifier(buffer, options ?? FbVerifierOptions.Default);
        return v.VerifyBuffer(root, fileIdentifier, sizePrefixed);
    }

    /// <summary>Reads the file identifier (bytes 4..8, or 8..12 when size-prefixed) without verifying anything else.</summary>
    public static string? PeekFileIdentifier(ReadOnlySpan<byte> buffer, bool sizePrefixed = false)
    {
        int at = sizePrefixed ? 8 : 4;
        return buffer.Length < at + 4 ? null : Encoding.Latin1.GetString(buffer.Slice(at, 4));
    }

    private int VerifyBuffer(FbTableDef root, string? fileIdentifier, bool sizePrefixed)
    {
        if (_length > MaxBufferSize)
            throw Fail($"buffer of {_length} bytes exceeds the FlatBuffers maximum of {MaxBufferSize}", 0);
        int start = 0;
        if (sizePrefixed)
        {
            Need(0, 4, $"a 4-byte size prefix");
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(Span);
            if (size != (uint)(_length - 4))
                throw Fail($"size prefix says {size} bytes follow but {_length - 4} do", 0);
            start = 4;
        }
        if (fileIdentifier is not null)
        {
            if (fileIdentifier.Length != 4) throw new ArgumentException("a file identifier has 4 characters", nameof(fileIdentifier));
            Need(start, 8, $"a root offset and the file identifier \"{fileIdentifier}\"");
            for (int i = 0; i < 4; i++)
                if (Span[start + 4 + i] != fileIdentifier[i])
                    throw Fail($"expected file identifier \"{fileIdentifier}\" but found \"{PeekFileIdentifier(Span, sizePrefixed)}\"", start + 4);
        }
        int rootPos = ReadOffset(start, new FbName("root offset of " + root.Name));
        VerifyTable(rootPos, root);
        return rootPos;
    }

    private void VerifyTable(int table, FbTableDef def)
    {
        _depth++;
        _tables++;
        if (_depth > _options.MaxDepth)
            throw Fail($"table {def.Name} nested {_depth} deep, more than the limit of {_options.MaxDepth}", table);
        if (_tables > _options.MaxTables)
            throw Fail($"more than {_options.MaxTables} tables visited (limit); at table {def.Name}", table);

        Need(table, 4, $"the vtable offset of table {def.Name}");
        Align(table, 4, $"table {def.Name}");
        int soffset = BinaryPrimitives.ReadInt32LittleEndian(Span[table..]);
        long vtable = (long)table - soffset;
        if (vtable < 0 || vtable + 4 > _length)
            throw Fail($"vtable of table {def.Name} at {vtable} is outside the buffer (length {_length})", table);
        Align((int)vtable, 2, $"vtable of table {def.Name}");
        int vt = (int)vtable;
        int vtSize = BinaryPrimitives.ReadUInt16LittleEndian(Span[vt..]);
        int objSize = BinaryPrimitives.ReadUInt16LittleEndian(Span[(vt + 2)..]);
        if (vtSize < 4 || (vtSize & 1) != 0)
            throw Fail($"vtable of table {def.Name} has size {vtSize}, expected an even size of at least 4", vt);
        Need(vt, vtSize, $"the {vtSize}-byte vtable of table {def.Name}");
        if (objSize < 4)
            throw Fail($"table {def.Name} has inline size {objSize}, expected at least 4 (its vtable offset)", vt + 2);
        Need(table, objSize, $"the {objSize} inline bytes of table {def.Name}");

        foreach (var field in def.Fields)
            VerifyField(table, vt, vtSize, objSize, def, field);
        _depth--;
    }

    /// <summary>Position of a field's inline data, or -1 when the vtable says it is absent.</summary>
    private int FieldPosition(int table, int vt, int vtSize, int objSize, FbTableDef def, int slot, int inlineSize, int align, FbName name)
    {
        int entry = 4 + 2 * slot;
        if (entry + 2 > vtSize) return -1;
        int fo = BinaryPrimitives.ReadUInt16LittleEndian(Span[(vt + entry)..]);
        if (fo == 0) return -1;
        if (fo < 4 || fo + inlineSize > objSize)
            throw Fail($"field {name} at table offset {fo} with {inlineSize} bytes does not fit the table's {objSize} inline bytes", vt + entry);
        int pos = table + fo;
        Align(pos, align, $"field {name}");
        return pos;
    }

    private void VerifyField(int table, int vt, int vtSize, int objSize, FbTableDef def, FbField f)
    {
        int pos = FieldPosition(table, vt, vtSize, objSize, def, f.Slot, f.InlineSize, f.InlineAlignment, new FbName(def.Name, f.Name));
        if (f.Kind is FbFieldKind.Union or FbFieldKind.VectorOfUnions)
        {
            VerifyUnionField(table, vt, vtSize, objSize, def, f, pos);
            return;
        }
        if (pos < 0)
        {
            if (f.Required) throw Fail($"required field {def.Name}.{f.Name} is missing", table);
            return;
        }
        switch (f.Kind)
        {
            case FbFieldKind.Scalar:
            case FbFieldKind.Struct:
                return; // in the table's bounds and aligned: checked by FieldPosition
            case FbFieldKind.String:
                VerifyString(ReadOffset(pos, new FbName(def.Name, f.Name)), new FbName(def.Name, f.Name));
                return;
            case FbFieldKind.Table:
                VerifyTable(ReadOffset(pos, new FbName(def.Name, f.Name)), f.Table!);
                return;
            case FbFieldKind.Vector:
                VerifyVector(ReadOffset(pos, new FbName(def.Name, f.Name)), f.Size, f.Alignment, new FbName(def.Name, f.Name));
                return;
            case FbFieldKind.VectorOfStrings:
            {
                var (first, count) = VerifyVector(ReadOffset(pos, new FbName(def.Name, f.Name)), 4, 4, new FbName(def.Name, f.Name));
                for (int i = 0; i < count; i++)
                    VerifyString(ReadOffset(first + 4 * i, new FbName(def.Name, f.Name, i)), new FbName(def.Name, f.Name, i));
                return;
            }
            case FbFieldKind.VectorOfTables:
            {
                var (first, count) = VerifyVector(ReadOffset(pos, new FbName(def.Name, f.Name)), 4, 4, new FbName(def.Name, f.Name));
                for (int i = 0; i < count; i++)
                    VerifyTable(ReadOffset(first + 4 * i, new FbName(def.Name, f.Name, i)), f.Table!);
                return;
            }
        }
    }

    private void VerifyUnionField(int table, int vt, int vtSize, int objSize, FbTableDef def, FbField f, int valuePos)
    {
        var union = f.Union!;
        var name = new FbName(def.Name, f.Name);
        if (f.Kind == FbFieldKind.Union)
        {
            int typePos = FieldPosition(table, vt, vtSize, objSize, def, f.TypeSlot, 1, 1, name.Types);
            byte type = typePos < 0 ? (byte)0 : Span[typePos];
            if (type == 0)
            {
                if (valuePos >= 0) throw Fail($"union {name} has type NONE but a value", valuePos);
                if (f.Required) throw Fail($"required union {name} is missing", table);
                return;
            }
            if (valuePos < 0) throw Fail($"union {name} has type {type} but no value", typePos);
            VerifyUnionValue(union, type, ReadOffset(valuePos, name), name, typePos);
            return;
        }

        int typesPos = FieldPosition(table, vt, vtSize, objSize, def, f.TypeSlot, 4, 4, name.Types);
        if (typesPos < 0 && valuePos < 0)
        {
            if (f.Required) throw Fail($"required union vector {name} is missing", table);
            return;
        }
        if (typesPos < 0 || valuePos < 0)
            throw Fail($"union vector {name} needs both its type vector and its value vector", Math.Max(typesPos, valuePos));
        var (types, typeCount) = VerifyVector(ReadOffset(typesPos, name.Types), 1, 1, name.Types);
        var (values, valueCount) = VerifyVector(ReadOffset(valuePos, name), 4, 4, name);
        if (typeCount != valueCount)
            throw Fail($"union vector {name} has {typeCount} types but {valueCount} values", values - 4);
        for (int i = 0; i < valueCount; i++)
        {
            byte type = Span[types + i];
            if (type == 0) throw Fail($"union vector {name}[{i}] has type NONE", types + i);
            VerifyUnionValue(union, type, ReadOffset(values + 4 * i, name.At(i)), name.At(i), types + i);
        }
    }

    private void VerifyUnionValue(FbUnionDef union, byte type, int target, FbName name, int typePos)
    {
        if (!union.Members.TryGetValue(type, out var member))
            throw Fail($"union {name} has type {type}, which is not a member of {union.Name}", typePos);
        if (member.Table is { } t)
        {
            VerifyTable(target, t);
            return;
        }
        Need(target, member.StructSize, $"the {member.StructSize}-byte struct {member.Name} of union {name}");
        Align(target, member.StructAlignment, $"struct {member.Name} of union {name}");
    }

    /// <summary>Checks a vector's length and extent; returns the first element's position and the count.</summary>
    private (int First, int Count) VerifyVector(int vec, int elementSize, int alignment, FbName name)
    {
        Need(vec, 4, $"the length of vector {name}");
        Align(vec, 4, $"length of vector {name}");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(Span[vec..]);
        // Like the official check (size < max / elem_size), but against the real buffer: no
        // multiplication can overflow and nothing is allocated from the count.
        long bytes = (long)count * elementSize;
        if (count > MaxBufferSize / Math.Max(1, elementSize) || vec + 4L + bytes > _length)
            throw Fail($"vector {name} claims {count} elements of {elementSize} bytes, beyond the buffer end ({_length})", vec);
        Align(vec + 4, alignment, $"elements of vector {name}");
        return (vec + 4, (int)count);
    }

    private void VerifyString(int str, FbName name)
    {
        var (first, count) = VerifyVector(str, 1, 1, name);
        if (first + (long)count >= _length)
            throw Fail($"string {name} of {count} bytes has no room for its terminating NUL", str);
        if (Span[first + count] != 0)
            throw Fail($"string {name} is not NUL-terminated (byte {first + count} is {Span[first + count]})", first + count);
        if (!_options.CheckUtf8 || count == 0) return;
        _checkedStrings ??= [];
        if (!_checkedStrings.Add(str)) return;
        if (!Utf8.IsValid(Span.Slice(first, count)))
            throw Fail($"string {name} is not valid UTF-8", first);
    }

    /// <summary>Reads the uoffset at <paramref name="pos"/> and returns where it points, checked.</summary>
    private int ReadOffset(int pos, FbName what)
    {
        Need(pos, 4, $"the offset of {what}");
        Align(pos, 4, $"offset of {what}");
        uint o = BinaryPrimitives.ReadUInt32LittleEndian(Span[pos..]);
        if (o == 0) throw Fail($"offset of {what} is 0 (points at itself)", pos);
        if (o > MaxBufferSize || pos + (long)o >= _length)
            throw Fail($"offset of {what} is {o}, pointing outside the buffer (length {_length})", pos);
        return pos + (int)o;
    }

    private bool OutOfBounds(long pos, long size) => pos < 0 || size < 0 || pos + size > _length;

    private bool Misaligned(long pos, long alignment) => _options.CheckAlignment && alignment > 1 && (pos & (alignment - 1)) != 0;

    private void Need(long pos, long size, [InterpolatedStringHandlerArgument("", "pos", "size")] ref BoundsMessage what)
    {
        if (OutOfBounds(pos, size))
            throw Fail($"expected {what.ToStringAndClear()} ({size} bytes at {pos}) but the buffer has {_length} bytes", Math.Clamp(pos, 0, _length));
    }

    private void Align(int pos, int alignment, [InterpolatedStringHandlerArgument("", "pos", "alignment")] ref AlignmentMessage what)
    {
        if (Misaligned(pos, alignment))
            throw Fail($"{what.ToStringAndClear()} is at {pos}, expected a multiple of {alignment}", pos);
    }

    private static JitFormatException Fail(string message, long offset) => new($"FlatBuffers: {message}", offset);
}
