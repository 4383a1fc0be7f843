using System.Buffers.Binary;
using System.Text;
using Jit.Errors;
using Jit.Modules;
using Jit.Serialization.Ptmf;
using Jit.Tests.Serialization.Ptmf;
using Xunit;
using static Jit.Tests.Modules.MalformedModuleFiles;
using S = Jit.Serialization.Ptmf.PtmfSchema;

namespace Jit.Tests.Modules;

/// <summary>
/// Damaged files at the JitModule level (load, forward's graph, forward itself): always a
/// JitFormatException with the byte offset and what was expected, or another JitException.
/// </summary>
public class JitModuleMalformedTests
{
    private const int IValues = 10, ObjectTypes = 2, Storages = 1;

    [Fact]
    public void TheModuleWithEveryIndexFieldLoadsWhenNothingIsBad()
    {
        var m = JitModule.Load(ModuleWithBadIndex(null, 0));
        Assert.Equal(["forward"], m.MethodNames);
        Assert.Single(m.Object.Type.Attributes);
        Assert.NotNull(m.MethodGraph("forward"));
    }

    public static TheoryData<string, int, string> IndexFields()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var (field, count, message) in new[]
        {
            ("methods", IValues, "methods[0] = "), ("state_obj", IValues, "state_obj = "), ("jit_constants", IValues, "jit_constants[0] = "),
            ("constants", IValues, "constants[0] = "), ("class_type", ObjectTypes, "class_type = "),
            ("type_index", ObjectTypes, "type_index = "), ("set-state type_index", ObjectTypes, "type_index = "),
            ("state", IValues, "state[0] = "), ("attrs", IValues, "attrs[0] = "), ("setstate_func", IValues, "setstate_func = "),
            ("list items", IValues, "items[0] = "), ("tuple items", IValues, "items[0] = "), ("dict keys", IValues, "keys[0] = "),
            ("dict values", IValues, "values[0] = "), ("enum value", IValues, "value[0] = "), ("default_value", IValues, "default_value = "),
            ("storage_location_index", Storages, "storage_location_index = "),
        })
        {
            data.Add(field, count, message);
            data.Add(field, count + 1, message);
            data.Add(field, -1, message); // uint.MaxValue
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(IndexFields))]
    public void IndexFieldOutOfRangeIsAFormatErrorNamingTheField(string field, int value, string message)
    {
        uint bad = unchecked((uint)value);
        var bytes = ModuleWithBadIndex(field, bad);
        var ex = Assert.Throws<JitFormatException>(() => JitModule.Load(bytes));
        Assert.Contains($"{message}{bad} is out of range", ex.Message);
        Assert.InRange(ex.ByteOffset, 0, bytes.Length - 1);
    }

    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 4, 1 }, 1, "needs 52 bytes")]            // one float past the 48-byte storage
    [InlineData(new[] { 4, 4 }, new[] { 4, 1 }, 0, "needs 64 bytes")]
    [InlineData(new[] { 2, 2 }, new[] { 100, 1 }, 0, "needs 408 bytes")]         // strides reach past the end
    [InlineData(new[] { 1 }, new[] { 1 }, 12, "needs 52 bytes")]                 // offset alone
    [InlineData(new[] { int.MaxValue, 2 }, new[] { 1, int.MaxValue }, 0, "needs")]
    [InlineData(new[] { 65536, 65536, 65536 }, new[] { 65536, 65536, 65536 }, 0, "needs 51538821124 bytes")]
    public void TensorExtentMustFitItsStorage(int[] sizes, int[] strides, int offset, string message)
    {
        var w = new PtmfWriter();
        w.AddStorage(new byte[48]);
        w.AddObjectType("__torch__.M", PtmfTypeType.ClassWithField, ["w"]);
        uint t = (uint)w.AddTensor(0, 6, offset, sizes, strides);
        uint root = (uint)w.AddObject(0, 0, [t], 0);
        var bytes = w.Finish(9, [], root, [], 0, 0);
        var ex = Assert.Throws<JitFormatException>(() => JitModule.Load(bytes));
        Assert.Contains(message, ex.Message);
        Assert.InRange(ex.ByteOffset, 0, bytes.Length - 1);
    }

    [Fact]
    public void ABroadcastTensorOfHugeElementCountIsAnErrorNotAnOverflow()
    {
        // Stride 0 makes any size fit one element of storage; the element count itself overflows.
        var w = new PtmfWriter();
        w.AddStorage(new byte[4]);
        w.AddObjectType("__torch__.M", PtmfTypeType.ClassWithField, ["w"]);
        uint t = (uint)w.AddTensor(0, 6, 0, [int.MaxValue, int.MaxValue, int.MaxValue], [0, 0, 0]);
        uint root = (uint)w.AddObject(0, 0, [t], 0);
        Assert.ThrowsAny<JitException>(() => JitModule.Load(w.Finish(9, [], root, [], 0, 0)));
    }

    [Fact]
    public void EveryTruncationOfASmallModelIsRejected()
    {
        var bytes = PtmfFixtureTests.Fixture("mlp");
        var rng = new Random(1);
        for (int n = 0; n < bytes.Length; n++)
        {
            // The last bytes of the file are padding after the root table's data: cutting them can still verify.
            bool loaded = LoadBuildRun(bytes[..n], rng);
            if (n < bytes.Length - 16) Assert.False(loaded, $"mlp cut to {n} of {bytes.Length} bytes was accepted");
        }
        Assert.True(LoadBuildRun(bytes, rng));
    }

    [Fact]
    public void ThousandsOfSeededBitFlipsEndInAJitExceptionOrAWorkingModel()
    {
        const int seed = 20240611;
        var original = PtmfFixtureTests.Fixture("mlp");
        int accepted = 0;
        for (int iter = 0; iter < 4000; iter++)
        {
            var rng = new Random(seed + iter);
            var bytes = (byte[])original.Clone();
            for (int f = 1 + rng.Next(3); f > 0; f--) bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
            try
            {
                if (LoadBuildRun(bytes, rng)) accepted++;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"bit flips of seed {seed + iter} escaped as {e.GetType().Name}: {e}");
            }
        }
        Assert.InRange(accepted, 1, 3999);
    }

    private static JitFormatException Rejected(byte[] bytes)
    {
        var ex = Assert.Throws<JitFormatException>(() => JitModule.Load(bytes));
        Assert.InRange(ex.ByteOffset, 0, bytes.Length);
        return ex;
    }

    [Fact]
    public void WrongIdentifierIsNamed()
    {
        var bytes = PtmfFixtureTests.Fixture("mlp");
        Encoding.ASCII.GetBytes("PTMX").CopyTo(bytes, 4);
        var ex = Rejected(bytes);
        Assert.Contains("expected file identifier \"PTMF\" but found \"PTMX\"", ex.Message);
        Assert.Equal(4, ex.ByteOffset);
    }

    [Fact]
    public void OffsetsOutsideTheBufferOrIntoThemselvesAreRejected()
    {
        var original = ModuleWithBadIndex(null, 0);
        int ivaluesField = FieldPosition(original, RootTable(original), S.Module.IValues);
        foreach (uint o in new uint[] { 0, (uint)original.Length, (uint)(original.Length - ivaluesField), uint.MaxValue, 0x80000000 })
        {
            var bytes = (byte[])original.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ivaluesField), o);
            var ex = Rejected(bytes);
            Assert.Contains(o == 0 ? "points at itself" : "outside the buffer", ex.Message);
            Assert.Equal(ivaluesField, ex.ByteOffset);
        }
        var root = (byte[])original.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(root, (uint)root.Length + 8);
        Assert.Contains("root offset", Rejected(root).Message);
    }

    [Theory]
    [InlineData(0x40000000u)]
    [InlineData(uint.MaxValue)]
    [InlineData(0x7FFFFFFFu)]
    public void HugeVectorLengthsAreRejectedWithoutAllocating(uint length)
    {
        var bytes = ModuleWithBadIndex(null, 0);
        int vec = Target(bytes, FieldPosition(bytes, RootTable(bytes), S.Module.IValues));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(vec), length);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Rejected(bytes);
        Assert.Contains($"claims {length} elements", ex.Message);
        Assert.Equal(vec, ex.ByteOffset);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "rejecting a huge vector length allocated over 1 MB");
    }

    [Fact]
    public void InvalidUtf8IsRejected()
    {
        var bytes = ModuleWithBadIndex(null, 0);
        int at = bytes.AsSpan().IndexOf("__torch__.M"u8);
        bytes[at + 2] = 0xC3;
        bytes[at + 3] = 0x28; // a two-byte sequence whose second byte is not a continuation
        var ex = Rejected(bytes);
        Assert.Contains("not valid UTF-8", ex.Message);
    }

    [Fact]
    public void UnknownUnionTypeIsRejected()
    {
        var bytes = ModuleWithBadIndex(null, 0);
        var m = PtmfModule.Load(bytes);
        int typeByte = FieldPosition(bytes, m.IValue(1).ByteOffset, S.IValue.ValType);
        bytes[typeByte] = 99;
        var ex = Rejected(bytes);
        Assert.Contains("type 99, which is not a member of IValueUnion", ex.Message);
        Assert.Equal(typeByte, ex.ByteOffset);
    }

    [Fact]
    public void DeeplyNestedContainersAreRejectedNotAStackOverflow()
    {
        // 5,000 lists each holding the one before (at 100,000 recursion would overflow the stack).
        var w = new PtmfWriter();
        w.AddObjectType("__torch__.M", PtmfTypeType.ClassWithField, ["deep"]);
        uint item = (uint)w.AddInt(0);
        for (int i = 0; i < 5_000; i++) item = (uint)w.AddList([item], null);
        uint root = (uint)w.AddObject(0, 0, [item], 0);
        var ex = Assert.Throws<JitFormatException>(() => JitModule.Load(w.Finish(9, [], root, [], 0, 0)));
        Assert.Contains("nests containers more than 64 deep", ex.Message);
    }

    [Fact]
    public void ContainersNestedWithinTheLimitLoad()
    {
        var w = new PtmfWriter();
        w.AddObjectType("__torch__.M", PtmfTypeType.ClassWithField, ["deep"]);
        uint item = (uint)w.AddInt(0);
        for (int i = 0; i < 60; i++) item = (uint)w.AddList([item], null);
        uint root = (uint)w.AddObject(0, 0, [item], 0);
        Assert.True(JitModule.Load(w.Finish(9, [], root, [], 0, 0)).Object.Type.Attributes[0].Type is Jit.Ir.ListType);
    }

    [Fact]
    public void ATupleThatDoublesAtEachLevelIsRejectedNotExpandedExponentially()
    {
        // 40 tuples, each holding the previous one twice: 2^40 parts once shared items are counted each time.
        var w = new PtmfWriter();
        w.AddObjectType("__torch__.M", PtmfTypeType.ClassWithField, ["t"]);
        uint item = (uint)w.AddInt(0);
        for (int i = 0; i < 40; i++) item = (uint)w.AddTuple([item, item]);
        uint root = (uint)w.AddObject(0, 0, [item], 0);
        var ex = Assert.Throws<JitFormatException>(() => JitModule.Load(w.Finish(9, [], root, [], 0, 0)));
        Assert.Contains("tuple whose type has more than 65536 parts", ex.Message);
    }

    [Fact]
    public void RepeatedExtraFileNamesKeepTheFirst()
    {
        var w = new PtmfWriter();
        w.AddObjectType("__torch__.M", PtmfTypeType.ClassWithField, []);
        uint root = (uint)w.AddObject(0, 0, [], 0);
        w.AddExtraFile("a.txt", "first");
        w.AddExtraFile("a.txt", "second");
        Assert.Equal("first", JitModule.Load(w.Finish(9, [], root, [], 0, 0)).ExtraFiles["a.txt"]);
    }
}
