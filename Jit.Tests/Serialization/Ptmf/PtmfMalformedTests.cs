using Jit.Errors;
using Jit.Serialization.Ptmf;
using Xunit;

using Jit.Tests.Testing;

namespace Jit.Tests.Serialization.Ptmf;

/// <summary>Damaged PTMF files and bad indices: always a <see cref="JitFormatException"/> naming the field.</summary>
public class PtmfMalformedTests
{
    /// <summary>Loads and, if accepted, reads everything including every tensor.</summary>
    private static bool Exercise(byte[] bytes)
    {
        PtmfModule m;
        try
        {
            m = PtmfModule.Load(bytes);
        }
        catch (JitFormatException e)
        {
            Assert.InRange(e.ByteOffset, -1, bytes.Length);
            return false;
        }
        PtmfFixtureTests.Dump(m);
        for (int i = 0; i < m.IValueCount; i++)
        {
            var v = m.IValue(i);
            if (v.Kind != PtmfIValueKind.TensorMetadata) continue;
            try { m.CreateTensor(v.AsTensor); }
            catch (JitFormatException) { } // a valid file may hold a dtype we do not compute with
        }
        for (int i = 0; i < m.StorageCount; i++) m.Storage(i);
        return true;
    }

    [Fact]
    public void TruncatedFilesAreRejected()
    {
        var bytes = PtmfFixtureTests.Fixture("mlp");
        for (int n = 0; n < bytes.Length - 16; n++)
            Assert.False(Exercise(bytes[..n]), $"cut to {n} bytes was accepted");
    }

    [Theory]
    [MemberData(nameof(PtmfFixtureTests.Samples), MemberType = typeof(PtmfFixtureTests))]
    public void RandomBitFlipsNeverEscapeAsOtherExceptions(string name)
    {
        var original = PtmfFixtureTests.Fixture(name);
        var random = new Random(name.GetHashCode(StringComparison.Ordinal) ^ 12345);
        int accepted = 0;
        for (int iter = 0; iter < 3000; iter++)
        {
            var bytes = (byte[])original.Clone();
            for (int f = 1 + random.Next(3); f > 0; f--)
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            if (Exercise(bytes)) accepted++;
        }
        Assert.InRange(accepted, 1, 2999);
    }

    private static PtmfWriter WriterWithObject(out uint obj)
    {
        var w = new PtmfWriter();
        w.AddObjectType("__torch__.M", PtmfTypeType.ClassWithField, []);
        obj = (uint)w.AddObject(0, 0, [], 0);
        return w;
    }

    [Fact]
    public void MethodIndexOutOfRangeIsNamed()
    {
        var w = WriterWithObject(out uint obj);
        var ex = Assert.Throws<JitFormatException>(() => PtmfModule.Load(w.Finish(9, [42], obj, [], 0, 0)));
        Assert.Contains("methods[0] = 42 is out of range", ex.Message);
    }

    [Fact]
    public void MethodThatIsNotAFunctionIsRejected()
    {
        var w = WriterWithObject(out uint obj);
        Assert.Contains("expected a Function", Assert.Throws<JitFormatException>(() => PtmfModule.Load(w.Finish(9, [obj], obj, [], 0, 0))).Message);
    }

    [Fact]
    public void StateObjAndJitConstantsAreRangeChecked()
    {
        Assert.Contains("state_obj = 5", Assert.Throws<JitFormatException>(() => PtmfModule.Load(WriterWithObject(out _).Finish(9, [], 5, [], 0, 0))).Message);
        Assert.Contains("jit_constants[1] = 9", Assert.Throws<JitFormatException>(() => PtmfModule.Load(WriterWithObject(out var o).Finish(9, [], o, [0, 9], 0, 0))).Message);
    }

    [Fact]
    public void ObjectTypeIndexIsRangeChecked()
    {
        var w = new PtmfWriter();
        uint obj = (uint)w.AddObject(3, 0, [], 0);
        Assert.Contains("type_index = 3 is out of range", Assert.Throws<JitFormatException>(() => PtmfModule.Load(w.Finish(9, [], obj, [], 0, 0))).Message);
    }

    [Fact]
    public void ContainerItemsMustReferToEarlierIValues()
    {
        var w = WriterWithObject(out uint obj);
        w.AddList([7], "List[int]");
        Assert.Contains("items[0] = 7 is out of range", Assert.Throws<JitFormatException>(() => PtmfModule.Load(w.Finish(9, [], obj, [], 0, 0))).Message);
        var w2 = WriterWithObject(out uint obj2);
        w2.AddTuple([1]); // ivalue 1 refers to itself: a cycle
        Assert.Contains("does not refer to an earlier ivalue", Assert.Throws<JitFormatException>(() => PtmfModule.Load(w2.Finish(9, [], obj2, [], 0, 0))).Message);
    }

    [Fact]
    public void FunctionIndicesAreRangeChecked()
    {
        var w = WriterWithObject(out uint obj);
        uint fn = (uint)w.AddFunction(new PtmfFunctionInfo("f", [new PtmfInstruction((sbyte)BytecodeOpCode.OP, 0, 3)], [], [0], [], 1, null, null, null, 0));
        Assert.Contains("instruction 0 (OP) operator = 3 is out of range", Assert.Throws<JitFormatException>(() => PtmfModule.Load(w.Finish(9, [fn], obj, [], 0, 0))).Message);
        var w2 = WriterWithObject(out uint obj2);
        uint fn2 = (uint)w2.AddFunction(new PtmfFunctionInfo("f", [], [], [99], [], 1, null, null, null, 0));
        Assert.Contains("constants[0] = 99", Assert.Throws<JitFormatException>(() => PtmfModule.Load(w2.Finish(9, [fn2], obj2, [], 0, 0))).Message);
        var w3 = WriterWithObject(out uint obj3);
        uint fn3 = (uint)w3.AddFunction(new PtmfFunctionInfo("f", [], [], [], [], 1, [new PtmfArg("x", "int", 50)], [], null, 0));
        Assert.Contains("default_value = 50", Assert.Throws<JitFormatException>(() => PtmfModule.Load(w3.Finish(9, [fn3], obj3, [], 0, 0))).Message);
        var w4 = WriterWithObject(out uint obj4);
        uint fn4 = (uint)w4.AddFunction(new PtmfFunctionInfo("f", [], [], [], [], 1, null, null, null, 4));
        Assert.Contains("class_type = 4", Assert.Throws<JitFormatException>(() => PtmfModule.Load(w4.Finish(9, [fn4], obj4, [], 0, 0))).Message);
    }

    [Theory]
    [InlineData(0u, 0, new[] { 2, 3 }, new[] { 3, 1 }, "needs 28 bytes")]          // 6 floats + offset 1 > 6 floats
    [InlineData(1u, 0, new[] { 1 }, new[] { 1 }, "storage_location_index = 1")]
    [InlineData(0u, -1, new[] { 1 }, new[] { 1 }, "negative storage_offset")]
    [InlineData(0u, 0, new[] { 2 }, new[] { 1, 1 }, "1 sizes but 2 strides")]
    [InlineData(0u, 0, new[] { -2 }, new[] { 1 }, "expected non-negative")]
    [InlineData(0u, 0, new[] { int.MaxValue, int.MaxValue, int.MaxValue }, new[] { int.MaxValue, int.MaxValue, int.MaxValue }, "overflows")]
    public void TensorMetadataMustFitItsStorage(uint storageIndex, int offset, int[] sizes, int[] strides, string message)
    {
        var w = WriterWithObject(out uint obj);
        w.AddStorage(new byte[24]);
        w.AddTensor(storageIndex, 6, offset == 0 && message.StartsWith("needs", StringComparison.Ordinal) ? 1 : offset, sizes, strides);
        var ex = Assert.Throws<JitFormatException>(() => PtmfModule.Load(w.Finish(9, [], obj, [], 0, 0)));
        Assert.Contains(message, ex.Message);
        Assert.True(ex.ByteOffset > 0);
    }

    [Fact]
    public void UnalignedStorageIsCopiedNotShared()
    {
        var bytes = PtmfFixtureTests.Fixture("mlp");
        var shifted = new byte[bytes.Length + 4];
        bytes.CopyTo(shifted, 4);
        var m = PtmfModule.Load(shifted.AsMemory(4));
        Assert.False(m.IsStorageInPlace(0));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(m.Storage(0).Bytes, out var seg));
        Assert.NotSame(shifted, seg.Array);
        Assert.Equal(m.StorageBytes(0).ToArray(), m.Storage(0).Bytes.ToArray());
    }

    [Fact]
    public void OtherFlatBuffersAreNotPtmf()
    {
        var ex = Assert.Throws<JitFormatException>(() => PtmfModule.Load(File.ReadAllBytes(ExternalTools.FixturePath("flatbuffers", "full.bin"))));
        Assert.Contains("\"PTMF\"", ex.Message);
        Assert.True(PtmfModule.HasFileIdentifier(PtmfFixtureTests.Fixture("mlp")));
    }
}
