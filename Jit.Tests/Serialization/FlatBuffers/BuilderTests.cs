using System.Buffers.Binary;
using Jit.Errors;
using Jit.Serialization.FlatBuffers;
using Xunit;
using static Jit.Tests.Serialization.FlatBuffers.TestSchema;

using Jit.Tests.Testing;

namespace Jit.Tests.Serialization.FlatBuffers;

/// <summary>Our builder's output, read back by our reader and by flatc.</summary>
public class BuilderTests
{
    private static byte[] Struct(params (int Offset, object Value)[] fields)
    {
        int size = fields.Max(f => f.Offset + (f.Value is double or long ? 8 : f.Value is int or float ? 4 : f.Value is ushort ? 2 : 1));
        int align = fields.Any(f => f.Value is double or long) ? 8 : 4;
        var bytes = new byte[(size + align - 1) & -align];
        foreach (var (o, v) in fields)
        {
            var s = bytes.AsSpan(o);
            switch (v)
            {
                case double d: BinaryPrimitives.WriteDoubleLittleEndian(s, d); break;
                case float f: BinaryPrimitives.WriteSingleLittleEndian(s, f); break;
                case long l: BinaryPrimitives.WriteInt64LittleEndian(s, l); break;
                case int i: BinaryPrimitives.WriteInt32LittleEndian(s, i); break;
                case ushort u: BinaryPrimitives.WriteUInt16LittleEndian(s, u); break;
                case sbyte b: s[0] = (byte)b; break;
                case bool b: s[0] = b ? (byte)1 : (byte)0; break;
            }
        }
        return bytes;
    }

    private static int Leaf(FlatBufferBuilder b, string? name, long value)
    {
        int n = name is null ? 0 : b.CreateString(name);
        b.StartTable(2);
        b.AddField(1, value, 7L);
        b.AddOffsetField(0, n);
        return b.EndTable();
    }

    /// <summary>The data of fixtures/flatbuffers/full.json, written by our builder.</summary>
    internal static byte[] BuildFull(bool sizePrefixed = false)
    {
        var b = new FlatBufferBuilder(64);
        int grandName = b.CreateString("grandkid");
        int grandInts = b.CreateScalarVector<int>([42]);
        b.StartTable(16);
        b.AddOffsetField(RootName, grandName);
        b.AddOffsetField(RootInts, grandInts);
        int grandkid = b.EndTable();

        int kidLeaf = Leaf(b, "leaf in kid", 7);
        int kidName = b.CreateString("kid");
        b.StartTable(16);
        b.AddOffsetField(RootName, kidName);
        b.AddField(RootPayloadType, PayloadLeaf, (byte)0);
        b.AddOffsetField(RootPayload, kidLeaf);
        b.AddOffsetField(RootChild, grandkid);
        int kid = b.EndTable();

        b.StartTable(12);
        b.AddField(4, 9, -70000);
        b.AddField(9, 2.5, -2.25);
        int payload = b.EndTable();

        b.StartTable(12);
        b.AddField(0, (sbyte)-128, (sbyte)-1);
        b.AddField(1, (byte)255, (byte)200);
        b.AddField(2, short.MinValue, (short)-300);
        b.AddField(3, ushort.MaxValue, (ushort)60000);
        b.AddField(4, int.MinValue, -70000);
        b.AddField(5, uint.MaxValue, 4000000000u);
        b.AddField(6, long.MinValue, -5000000000L);
        b.AddField(7, ulong.MaxValue, 10000000000UL);
        b.AddField(8, -0.25f, 1.5f);
        b.AddField(9, 3.141592653589793, -2.25);
        b.AddField(10, false, true);
        b.AddField(11, (sbyte)2, (sbyte)1);
        int scalars = b.EndTable();

        int leaves = b.CreateOffsetVector([Leaf(b, "a", 1), Leaf(b, "bé中", -2), Leaf(b, null, 7)]);
        int points = b.CreateStructVector([.. Struct((0, 1f), (4, 2f), (8, 3f)), .. Struct((0, -1.5f), (4, 0f), (8, 1e10f))], 12, 4);
        int code = b.CreateStructVector([.. Struct((0, (sbyte)8), (2, (ushort)1), (4, 3)), .. Struct((0, (sbyte)-1), (2, (ushort)65535), (4, -19))], 8, 4);
        int tags = b.CreateOffsetVector([b.CreateSharedString("one"), b.CreateSharedString(""), b.CreateSharedString("three")]);
        int bytes = b.CreateByteVector([0, 1, 254, 255]);
        int ints = b.CreateScalarVector<int>([-1, int.MaxValue]);
        int longs = b.CreateScalarVector<long>([long.MaxValue, -3]);
        int doubles = b.CreateScalarVector<double>([0.5, -1e300]);
        int bools = b.CreateScalarVector<bool>([true, false, true]);
        int name = b.CreateString("full");

        b.StartTable(16);
        b.AddStructField(RootBig, Struct((0, 1.25), (8, 77)).AsSpan(0, 16), 8);
        b.AddOffsetField(RootName, name);
        b.AddOffsetField(RootScalars, scalars);
        b.AddOffsetField(RootLeaves, leaves);
        b.AddOffsetField(RootPoints, points);
        b.AddOffsetField(RootCode, code);
        b.AddOffsetField(RootTags, tags);
        b.AddOffsetField(RootBytes, bytes);
        b.AddOffsetField(RootInts, ints);
        b.AddOffsetField(RootLongs, longs);
        b.AddOffsetField(RootDoubles, doubles);
        b.AddOffsetField(RootBools, bools);
        b.AddField(RootPayloadType, PayloadScalars, (byte)0);
        b.AddOffsetField(RootPayload, payload);
        b.AddOffsetField(RootChild, kid);
        return b.Finish(b.EndTable(), "JTFB", sizePrefixed);
    }

    [Fact]
    public void BuilderOutputReadsBackLikeTheFlatcFixture()
    {
        var ours = FlatBuffer.Open(BuildFull(), Root, "JTFB").Root;
        var theirs = FlatcFixtureTests.Open(FlatcFixtureTests.Fixture("full.bin"));
        Assert.Equal(Describe(theirs), Describe(ours));
    }

    [Fact]
    public void SizePrefixedBuffersVerifyAndRead()
    {
        var bytes = BuildFull(sizePrefixed: true);
        Assert.Equal((uint)bytes.Length - 4, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        var root = FlatBuffer.Open(bytes, Root, "JTFB", sizePrefixed: true).Root;
        Assert.Equal("full", root.GetString(RootName));
        Assert.Equal("JTFB", FbVerifier.PeekFileIdentifier(bytes, sizePrefixed: true));
        bytes[0]++;
        Assert.Throws<JitFormatException>(() => FlatBuffer.Open(bytes, Root, "JTFB", sizePrefixed: true));
    }

    [Fact]
    public void IdenticalVtablesAreShared()
    {
        var b = new FlatBufferBuilder();
        int[] leaves = [.. Enumerable.Range(0, 10).Select(i => Leaf(b, "x" + i, i + 100))];
        int vec = b.CreateOffsetVector(leaves);
        int name = b.CreateString("r");
        b.StartTable(16);
        b.AddOffsetField(RootName, name);
        b.AddOffsetField(RootLeaves, vec);
        var bytes = b.Finish(b.EndTable());
        var v = FlatBuffer.Open(bytes, Root).Root.GetVector(RootLeaves);
        var vtables = Enumerable.Range(0, 10).Select(i => v.GetTable(i).Position - BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(v.GetTable(i).Position))).Distinct();
        Assert.Single(vtables);
        Assert.Equal(109, v.GetTable(9).GetInt64(1, 7));
    }

    [Fact]
    public void VectorsOfUnionsRoundTrip()
    {
        var b = new FlatBufferBuilder();
        int num = b.CreateStruct(Struct((0, -5L)), 8);
        int flag = b.CreateStruct([1], 1);
        int text = b.CreateString("in a union vector");
        b.StartTable(1);
        b.AddOffsetField(0, text);
        int nameTable = b.EndTable();
        int pair = b.CreateStruct(Struct((0, 0.5), (8, 4.0)), 8);
        int types = b.CreateByteVector([ValueNum, ValueFlag, ValueName, ValuePair]);
        int values = b.CreateOffsetVector([num, flag, nameTable, pair]);
        b.StartTable(3);
        b.AddOffsetField(0, types);
        b.AddOffsetField(1, values);
        var bytes = b.Finish(b.EndTable());
        var bag = FlatBuffer.Open(bytes, Bag).Root;
        var t = bag.GetVector(0);
        var v = bag.GetVector(1);
        Assert.Equal([ValueNum, ValueFlag, ValueName, ValuePair], t.Bytes(1).ToArray());
        Assert.Equal(-5, v.GetUnionStruct(0).GetInt64(0));
        Assert.True(v.GetUnionStruct(1).GetBool(0));
        Assert.Equal("in a union vector", v.GetTable(2).GetString(0));
        Assert.Equal(4.0, v.GetUnionStruct(3).GetDouble(8));
    }

    [FlatcFact]
    public void FlatcReadsOurOutputAsItReadsItsOwn()
    {
        string dir = Path.Combine(Path.GetTempPath(), "jit-fb-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string schema = ExternalTools.FixturePath("flatbuffers", "test.fbs");
            File.WriteAllBytes(Path.Combine(dir, "ours.bin"), BuildFull());
            File.Copy(ExternalTools.FixturePath("flatbuffers", "full.bin"), Path.Combine(dir, "theirs.bin"));
            foreach (var f in new[] { "ours.bin", "theirs.bin" })
            {
                var (code, _, err) = ExternalTools.Run(ExternalTools.Flatc!,
                    ["--json", "--strict-json", "--raw-binary", "-o", dir, schema, "--", Path.Combine(dir, f)], TimeSpan.FromSeconds(60));
                Assert.True(code == 0, $"flatc failed on {f}: {err}");
            }
            string ours = File.ReadAllText(Path.Combine(dir, "ours.json"));
            Assert.Contains("\"name\": \"full\"", ours);
            Assert.Equal(File.ReadAllText(Path.Combine(dir, "theirs.json")), ours);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A text rendering of everything in a Root, to compare two buffers field by field.</summary>
    internal static string Describe(FbTable r)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(r.GetString(RootName)).Append('|');
        if (r.GetTable(RootScalars) is { } s)
            sb.Append($"{s.GetSByte(0, -1)} {s.GetByte(1, 200)} {s.GetInt16(2, -300)} {s.GetUInt16(3, 60000)} {s.GetInt32(4, -70000)} {s.GetUInt32(5, 4000000000)} {s.GetInt64(6, -5000000000)} {s.GetUInt64(7, 10000000000)} {s.GetFloat(8, 1.5f)} {s.GetDouble(9, -2.25)} {s.GetBool(10, true)} {s.GetSByte(11, 1)}|");
        var leaves = r.GetVector(RootLeaves);
        for (int i = 0; i < leaves.Length; i++) sb.Append($"leaf {leaves.GetTable(i).GetString(0)} {leaves.GetTable(i).GetInt64(1, 7)}|");
        var pts = r.GetVector(RootPoints);
        for (int i = 0; i < pts.Length; i++) sb.Append($"pt {pts.GetStruct(i, 12).GetFloat(0)} {pts.GetStruct(i, 12).GetFloat(4)} {pts.GetStruct(i, 12).GetFloat(8)}|");
        var code = r.GetVector(RootCode);
        for (int i = 0; i < code.Length; i++) sb.Append($"in {code.GetStruct(i, 8).GetSByte(0)} {code.GetStruct(i, 8).GetUInt16(2)} {code.GetStruct(i, 8).GetInt32(4)}|");
        sb.Append(string.Join(",", r.GetVector(RootTags).ToStringArray())).Append('|');
        sb.Append(Convert.ToHexString(r.GetVector(RootBytes).Bytes(1).Span)).Append('|');
        sb.Append(string.Join(",", r.GetVector(RootInts).ToInt32Array())).Append('|');
        sb.Append(string.Join(",", r.GetVector(RootLongs).ToInt64Array())).Append('|');
        sb.Append(string.Join(",", r.GetVector(RootDoubles).ToDoubleArray())).Append('|');
        sb.Append(string.Join(",", r.GetVector(RootBools).ToBoolArray())).Append('|');
        byte pt = r.GetUnionType(RootPayloadType);
        sb.Append($"payload {pt} ");
        if (pt == PayloadLeaf) sb.Append(r.GetUnionTable(RootPayload)!.Value.GetString(0));
        if (pt == PayloadScalars) sb.Append(r.GetUnionTable(RootPayload)!.Value.GetInt32(4, -70000));
        sb.Append('|');
        if (r.GetStruct(RootBig) is { } big) sb.Append($"big {big.GetDouble(0)} {big.GetInt32(8)}|");
        if (r.GetTable(RootChild) is { } child) sb.Append("child{").Append(Describe(child)).Append('}');
        return sb.ToString();
    }
}
