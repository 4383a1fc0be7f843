using System.Buffers.Binary;
using Jit.Errors;
using Jit.Serialization.FlatBuffers;
using Xunit;
using static Jit.Tests.Serialization.FlatBuffers.TestSchema;

namespace Jit.Tests.Serialization.FlatBuffers;

/// <summary>
/// Damaged buffers: the verifier must answer with a <see cref="JitFormatException"/> (with an
/// offset), never another exception, a hang or a huge allocation; anything it accepts must then
/// read without error.
/// </summary>
public class MalformedInputTests
{
    private static readonly byte[] Full = FlatcFixtureTests.Fixture("full.bin");

    /// <summary>Verifies and, if accepted, reads everything. Returns whether it was accepted.</summary>
    private static bool Exercise(byte[] bytes, FbTableDef? root = null, string? id = "JTFB")
    {
        FlatBuffer fb;
        try
        {
            fb = FlatBuffer.Open(bytes, root ?? Root, id);
        }
        catch (JitFormatException e)
        {
            Assert.InRange(e.ByteOffset, 0, bytes.Length);
            return false;
        }
        if ((root ?? Root) == Root) BuilderTests.Describe(fb.Root);
        return true;
    }

    private static int StringPosition(byte[] bytes, FbTable table, int slot)
    {
        int field = table.Position + table.FieldOffset(slot);
        return field + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(field));
    }

    [Fact]
    public void EveryTruncationIsRejected()
    {
        // flatc pads the end of the buffer; cutting only padding leaves a valid buffer.
        int padding = 0;
        while (Full[^(padding + 1)] == 0) padding++;
        for (int n = 0; n < Full.Length; n++)
        {
            bool accepted = Exercise(Full[..n]);
            if (n < Full.Length - padding) Assert.False(accepted, $"a buffer cut to {n} bytes was accepted");
        }
        var su = FlatcFixtureTests.Fixture("struct_union.bin");
        for (int n = 0; n < su.Length; n++)
            Assert.False(Exercise(su[..n], Items, "JTSU"), $"struct_union cut to {n} bytes was accepted");
    }

    [Fact]
    public void RandomBitFlipsNeverEscapeAsOtherExceptions()
    {
        var random = new Random(20240601);
        int accepted = 0, rejected = 0;
        for (int iter = 0; iter < 20000; iter++)
        {
            var bytes = (byte[])Full.Clone();
            int flips = 1 + random.Next(4);
            for (int f = 0; f < flips; f++)
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            if (Exercise(bytes)) accepted++; else rejected++;
        }
        // Flips inside scalar data keep the buffer valid; flips in offsets and lengths do not.
        Assert.True(accepted > 0 && rejected > 0, $"accepted {accepted}, rejected {rejected}");
    }

    [Fact]
    public void RandomBytesAreRejectedOrRead()
    {
        var random = new Random(7);
        for (int iter = 0; iter < 5000; iter++)
        {
            var bytes = new byte[random.Next(0, 256)];
            random.NextBytes(bytes);
            if (bytes.Length >= 8) "JTFB"u8.CopyTo(bytes.AsSpan(4));
            Exercise(bytes);
        }
    }

    [Fact]
    public void OffsetPointingAtItselfIsRejected()
    {
        var bytes = (byte[])Full.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, 0);
        var ex = Assert.Throws<JitFormatException>(() => FlatBuffer.Open(bytes, Root, "JTFB"));
        Assert.Contains("points at itself", ex.Message);
        Assert.Equal(0, ex.ByteOffset);
    }

    [Theory]
    [InlineData(0x7FFFFFF0u)]
    [InlineData(0xFFFFFFFCu)]
    [InlineData(0x80000000u)]
    public void OffsetOutOfBoundsIsRejected(uint offset)
    {
        var bytes = (byte[])Full.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, offset);
        var ex = Assert.Throws<JitFormatException>(() => FlatBuffer.Open(bytes, Root, "JTFB"));
        Assert.Contains("outside the buffer", ex.Message);
    }

    [Fact]
    public void VtableOutOfBoundsIsRejected()
    {
        var bytes = (byte[])Full.Clone();
        int root = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(root), int.MinValue);
        Assert.Contains("vtable", Assert.Throws<JitFormatException>(() => FlatBuffer.Open(bytes, Root, "JTFB")).Message);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(root), 0); // vtable = the table itself
        Assert.Throws<JitFormatException>(() => FlatBuffer.Open(bytes, Root, "JTFB"));
    }

    [Theory]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0x40000000u)]
    [InlineData(0x3FFFFFFFu)]
    [InlineData(1000u)]
    public void HugeVectorLengthsAreRejectedWithoutAllocating(uint length)
    {
        var bytes = (byte[])Full.Clone();
        var root = FlatBuffer.Open(bytes, Root, "JTFB").Root;
        int vec = StringPosition(bytes, root, RootLongs);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(vec), length);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<JitFormatException>(() => FlatBuffer.Open(bytes, Root, "JTFB"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 100_000);
        Assert.Contains("Root.longs", ex.Message);
        Assert.Equal(vec, ex.ByteOffset);
    }

    [Fact]
    public void InvalidUtf8IsRejected()
    {
        var bytes = (byte[])Full.Clone();
        int str = StringPosition(bytes, FlatBuffer.Open(bytes, Root, "JTFB").Root, RootName);
        bytes[str + 5] = 0xC3; // a lead byte followed by 'l', not a continuation byte
        var ex = Assert.Throws<JitFormatException>(() => FlatBuffer.Open(bytes, Root, "JTFB"));
        Assert.Contains("UTF-8", ex.Message);
        FlatBuffer.Open(bytes, Root, "JTFB", options: new FbVerifierOptions { CheckUtf8 = false });
    }

    [Fact]
    public void MissingNulIsRejected()
    {
        var bytes = (byte[])Full.Clone();
        int str = StringPosition(bytes, FlatBuffer.Open(bytes, Root, "JTFB").Root, RootName);
        Assert.Equal(0, bytes[str + 4 + 4]);
        bytes[str + 4 + 4] = (byte)'!';
        var ex = Assert.Throws<JitFormatException>(() => FlatBuffer.Open(bytes, Root, "JTFB"));
        Assert.Contains("NUL", ex.Message);
        Assert.Equal(str + 8, ex.ByteOffset);
    }

    [Fact]
    public void UnknownUnionTypeIsRejected()
    {
        var bytes = (byte[])Full.Clone();
        var root = FlatBuffer.Open(bytes, Root, "JTFB").Root;
        int typePos = root.Position + root.FieldOffset(RootPayloadType);
        bytes[typePos] = 9;
        var ex = Assert.Throws<JitFormatException>(() => FlatBuffer.Open(bytes, Root, "JTFB"));
        Assert.Contains("not a member of Payload", ex.Message);
        Assert.Equal(typePos, ex.ByteOffset);
        bytes[typePos] = 0;
        Assert.Contains("type NONE but a value", Assert.Throws<JitFormatException>(() => FlatBuffer.Open(bytes, Root, "JTFB")).Message);
    }

    [Fact]
    public void MisalignedScalarIsRejected()
    {
        // The Big struct needs 8-byte alignment; move its vtable entry by 4 bytes.
        var bytes = (byte[])Full.Clone();
        var root = FlatBuffer.Open(bytes, Root, "JTFB").Root;
        int vt = root.Position - BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(root.Position));
        int entry = vt + 4 + 2 * RootBig;
        ushort fo = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(entry));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(entry), (ushort)(fo - 4));
        var message = Assert.Throws<JitFormatException>(() => FlatBuffer.Open(bytes, Root, "JTFB")).Message;
        // The field's path is spelled out for the error only (the verifier formats nothing while checks pass).
        Assert.Matches(@"FlatBuffers: field Root\.\w+ is at \d+, expected a multiple of 8", message);
        FlatBuffer.Open(bytes, Root, "JTFB", options: new FbVerifierOptions { CheckAlignment = false });
    }

    [Fact]
    public void RequiredFieldMissingIsRejected()
    {
        var b = new FlatBufferBuilder();
        b.StartTable(16);
        b.AddField(RootInts, 0, 0);
        var bytes = b.Finish(b.EndTable(), "JTFB");
        Assert.Contains("required field Root.name", Assert.Throws<JitFormatException>(() => FlatBuffer.Open(bytes, Root, "JTFB")).Message);
    }

    [Fact]
    public void DeepNestingIsBoundedByDefault()
    {
        var b = new FlatBufferBuilder();
        int child = 0;
        for (int i = 0; i < 100; i++)
        {
            int name = b.CreateString("n");
            b.StartTable(16);
            b.AddOffsetField(RootName, name);
            b.AddOffsetField(RootChild, child);
            child = b.EndTable();
        }
        var bytes = b.Finish(child, "JTFB");
        var ex = Assert.Throws<JitFormatException>(() => FlatBuffer.Open(bytes, Root, "JTFB"));
        Assert.Contains("limit of 64", ex.Message);
        FlatBuffer.Open(bytes, Root, "JTFB", options: new FbVerifierOptions { MaxDepth = 100 });
    }

    [Fact]
    public void SharedSubtreesCountAgainstTheTableLimit()
    {
        // 1,000 entries all pointing at one leaf: small buffer, 1,001 table visits.
        var b = new FlatBufferBuilder();
        int leafName = b.CreateString("shared");
        b.StartTable(2);
        b.AddOffsetField(0, leafName);
        int leaf = b.EndTable();
        int vec = b.CreateOffsetVector(Enumerable.Repeat(leaf, 1000).ToArray());
        int name = b.CreateString("r");
        b.StartTable(16);
        b.AddOffsetField(RootName, name);
        b.AddOffsetField(RootLeaves, vec);
        var bytes = b.Finish(b.EndTable(), "JTFB");
        FlatBuffer.Open(bytes, Root, "JTFB");
        Assert.Contains("tables visited", Assert.Throws<JitFormatException>(() =>
            FlatBuffer.Open(bytes, Root, "JTFB", options: new FbVerifierOptions { MaxTables = 500 })).Message);
    }
}
