using Xunit;
using Jit.Errors;
using Jit.Serialization.FlatBuffers;
using static Jit.Tests.Serialization.FlatBuffers.TestSchema;

using Jit.Tests.Testing;

namespace Jit.Tests.Serialization.FlatBuffers;

/// <summary>Our reader on binaries that flatc made from fixtures/flatbuffers/*.json.</summary>
public class FlatcFixtureTests
{
    internal static byte[] Fixture(string name) => File.ReadAllBytes(ExternalTools.FixturePath("flatbuffers", name));

    internal static FbTable Open(byte[] bytes, FbVerifierOptions? options = null) =>
        FlatBuffer.Open(bytes, Root, "JTFB", options: options).Root;

    [Fact]
    public void ReadsEveryFieldOfTheFullFixture()
    {
        var root = Open(Fixture("full.bin"));
        Assert.Equal("full", root.GetString(RootName));
        Assert.False(root.Has(RootOld));

        var s = root.GetTable(RootScalars)!.Value;
        Assert.Equal(-128, s.GetSByte(0, -1));
        Assert.Equal(255, s.GetByte(1, 200));
        Assert.Equal(-32768, s.GetInt16(2, -300));
        Assert.Equal(65535, s.GetUInt16(3, 60000));
        Assert.Equal(int.MinValue, s.GetInt32(4, -70000));
        Assert.Equal(uint.MaxValue, s.GetUInt32(5, 4000000000));
        Assert.Equal(long.MinValue, s.GetInt64(6, -5000000000));
        Assert.Equal(ulong.MaxValue, s.GetUInt64(7, 10000000000));
        Assert.Equal(-0.25f, s.GetFloat(8, 1.5f));
        Assert.Equal(3.141592653589793, s.GetDouble(9, -2.25));
        Assert.False(s.GetBool(10, true));
        Assert.Equal(2, s.GetSByte(11, 1));

        var leaves = root.GetVector(RootLeaves);
        Assert.Equal(3, leaves.Length);
        Assert.Equal("a", leaves.GetTable(0).GetString(0));
        Assert.Equal(1, leaves.GetTable(0).GetInt64(1, 7));
        Assert.Equal("bé中", leaves.GetTable(1).GetString(0));
        Assert.Equal(-2, leaves.GetTable(1).GetInt64(1, 7));
        Assert.Null(leaves.GetTable(2).GetString(0));
        Assert.Equal(7, leaves.GetTable(2).GetInt64(1, 7));

        var points = root.GetVector(RootPoints);
        Assert.Equal(2, points.Length);
        Assert.Equal(3f, points.GetStruct(0, 12).GetFloat(8));
        Assert.Equal(-1.5f, points.GetStruct(1, 12).GetFloat(0));
        Assert.Equal(1e10f, points.GetStruct(1, 12).GetFloat(8));

        var code = root.GetVector(RootCode);
        Assert.Equal((8, 1, 3), (code.GetStruct(0, 8).GetSByte(0), code.GetStruct(0, 8).GetUInt16(2), code.GetStruct(0, 8).GetInt32(4)));
        Assert.Equal((-1, 65535, -19), (code.GetStruct(1, 8).GetSByte(0), code.GetStruct(1, 8).GetUInt16(2), code.GetStruct(1, 8).GetInt32(4)));

        Assert.Equal(["one", "", "three"], root.GetVector(RootTags).ToStringArray());
        Assert.Equal(new byte[] { 0, 1, 254, 255 }, root.GetVector(RootBytes).Bytes(1).ToArray());
        Assert.Equal([-1, int.MaxValue], root.GetVector(RootInts).ToInt32Array());
        Assert.Equal([long.MaxValue, -3], root.GetVector(RootLongs).ToInt64Array());
        Assert.Equal([0.5, -1e300], root.GetVector(RootDoubles).ToDoubleArray());
        Assert.Equal([true, false, true], root.GetVector(RootBools).ToBoolArray());

        Assert.Equal(PayloadScalars, root.GetUnionType(RootPayloadType));
        var payload = root.GetUnionTable(RootPayload)!.Value;
        Assert.Equal(9, payload.GetInt32(4, -70000));
        Assert.Equal(2.5, payload.GetDouble(9, -2.25));
        Assert.Equal(200, payload.GetByte(1, 200)); // absent: default

        var kid = root.GetTable(RootChild)!.Value;
        Assert.Equal("kid", kid.GetString(RootName));
        Assert.Equal(PayloadLeaf, kid.GetUnionType(RootPayloadType));
        Assert.Equal("leaf in kid", kid.GetUnionTable(RootPayload)!.Value.GetString(0));
        var grandkid = kid.GetTable(RootChild)!.Value;
        Assert.Equal([42], grandkid.GetVector(RootInts).ToInt32Array());
        Assert.Null(grandkid.GetTable(RootChild));

        var big = root.GetStruct(RootBig)!.Value;
        Assert.Equal(1.25, big.GetDouble(0));
        Assert.Equal(77, big.GetInt32(8));
    }

    [Theory]
    [InlineData("defaults.bin")]
    [InlineData("defaults_forced.bin")]
    public void AbsentAndDefaultFieldsReadAsTheirDefaults(string file)
    {
        var root = Open(Fixture(file));
        Assert.Equal("defaults", root.GetString(RootName));
        var s = root.GetTable(RootScalars)!.Value;
        Assert.Equal((-1, 200, -300, 60000), ((int)s.GetSByte(0, -1), (int)s.GetByte(1, 200), (int)s.GetInt16(2, -300), (int)s.GetUInt16(3, 60000)));
        Assert.Equal((-70000, 4000000000u, -5000000000L, 10000000000UL), (s.GetInt32(4, -70000), s.GetUInt32(5, 4000000000), s.GetInt64(6, -5000000000), s.GetUInt64(7, 10000000000)));
        Assert.Equal((1.5f, -2.25, true, (sbyte)1), (s.GetFloat(8, 1.5f), s.GetDouble(9, -2.25), s.GetBool(10, true), s.GetSByte(11, 1)));
        Assert.False(root.Has(RootLeaves));
        Assert.Equal(0, root.GetVector(RootLeaves).Length);
        Assert.Equal(0, root.GetUnionType(RootPayloadType));
        Assert.Null(root.GetUnionTable(RootPayload));
        Assert.Null(root.GetStruct(RootBig));
    }

    [Fact]
    public void ForcedDefaultsAreStoredButReadTheSame()
    {
        var forced = Open(Fixture("defaults_forced.bin")).GetTable(RootScalars)!.Value;
        var plain = Open(Fixture("defaults.bin")).GetTable(RootScalars)!.Value;
        Assert.True(forced.Has(4));
        Assert.False(plain.Has(4));
    }

    [Fact]
    public void NestedTablesAreFollowedAndDepthIsBounded()
    {
        var bytes = Fixture("deep.bin");
        var t = Open(bytes);
        int depth = 0;
        while (t.GetTable(RootChild) is { } child) { t = child; depth++; }
        Assert.Equal(7, depth);
        Assert.Equal("bottom", t.GetVector(RootLeaves).GetTable(0).GetString(0));

        // 8 roots plus the leaf = 9 levels of tables.
        Open(bytes, new FbVerifierOptions { MaxDepth = 9 });
        var ex = Assert.Throws<JitFormatException>(() => Open(bytes, new FbVerifierOptions { MaxDepth = 8 }));
        Assert.Contains("nested 9 deep", ex.Message);
        var many = Assert.Throws<JitFormatException>(() => Open(bytes, new FbVerifierOptions { MaxTables = 5 }));
        Assert.Contains("tables visited", many.Message);
    }

    [Fact]
    public void UnionsOfStructsAndTables()
    {
        var items = FlatBuffer.Open(Fixture("struct_union.bin"), Items, "JTSU").Root.GetVector(0);
        Assert.Equal(5, items.Length);
        Assert.Equal(ValueNum, items.GetTable(0).GetUnionType(0));
        Assert.Equal(-42, items.GetTable(0).GetUnionStruct(1)!.Value.GetInt64(0));
        Assert.True(items.GetTable(1).GetUnionStruct(1)!.Value.GetBool(0));
        Assert.Equal(-2.5, items.GetTable(2).GetUnionStruct(1)!.Value.GetDouble(8));
        Assert.Equal("named", items.GetTable(3).GetUnionTable(1)!.Value.GetString(0));
        Assert.Equal(0, items.GetTable(4).GetUnionType(0));
    }

    [Fact]
    public void WrongFileIdentifierIsRejected()
    {
        var ex = Assert.Throws<JitFormatException>(() => FlatBuffer.Open(Fixture("full.bin"), Root, "PTMF"));
        Assert.Contains("\"PTMF\"", ex.Message);
        Assert.Contains("\"JTFB\"", ex.Message);
        Assert.Equal(4, ex.ByteOffset);
        Assert.Equal("JTFB", FbVerifier.PeekFileIdentifier(Fixture("full.bin")));
    }
}
