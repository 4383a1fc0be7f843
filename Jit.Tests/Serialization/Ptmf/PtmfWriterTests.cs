using System.Globalization;
using Jit.Errors;
using Jit.Serialization.Ptmf;
using Xunit;

using Jit.Tests.Testing;

namespace Jit.Tests.Serialization.Ptmf;

/// <summary>Our writer: its output reads back the same, and PyTorch loads it and computes the same.</summary>
public class PtmfWriterTests
{
    [Theory]
    [MemberData(nameof(PtmfFixtureTests.Samples), MemberType = typeof(PtmfFixtureTests))]
    public void RewrittenModuleReadsBackTheSame(string name)
    {
        var original = PtmfModule.Load(PtmfFixtureTests.Fixture(name));
        var bytes = PtmfWriter.Rewrite(original);
        var copy = PtmfModule.Load(bytes);
        Assert.Equal(PtmfFixtureTests.Dump(original), PtmfFixtureTests.Dump(copy));
        Assert.Equal(original.IValueCount, copy.IValueCount);
        for (int i = 0; i < original.StorageCount; i++)
        {
            Assert.Equal(original.StorageBytes(i).ToArray(), copy.StorageBytes(i).ToArray());
            Assert.True(copy.IsStorageInPlace(i));
        }
        Assert.Equal(original.JitSources, copy.JitSources);
        Assert.Equal(original.StateObj, copy.StateObj);
    }

    [Fact]
    public void EveryIValueKindRoundTrips()
    {
        var w = new PtmfWriter();
        int storage = w.AddStorage(new byte[24]);
        int type = w.AddObjectType("__torch__.M", PtmfTypeType.ClassWithField, ["a", "b"]);
        uint none = (uint)w.AddNone(), i = (uint)w.AddInt(-5), b = (uint)w.AddBool(true), d = (uint)w.AddDouble(0.25);
        uint c = (uint)w.AddComplexDouble(1, -1), s = (uint)w.AddString("héllo"), dev = (uint)w.AddDevice("cpu");
        uint list = (uint)w.AddList([i, b], "List[Any]"), tuple = (uint)w.AddTuple([s, dev]);
        uint dict = (uint)w.AddDict([s], [i], "Dict[str, int]");
        uint il = (uint)w.AddIntList([1, 2]), dl = (uint)w.AddDoubleList([0.5]), bl = (uint)w.AddBoolList([true, false]);
        uint en = (uint)w.AddEnumValue("__torch__.Color", i);
        uint tensor = (uint)w.AddTensor((uint)storage, 6, 1, [2, 2], [2, 1]);
        uint fn = (uint)w.AddFunction(new PtmfFunctionInfo("__torch__.M.forward",
            [new PtmfInstruction((sbyte)BytecodeOpCode.LOADC, 0, 0), new PtmfInstruction((sbyte)BytecodeOpCode.RET, 0, 0)],
            [new PtmfOperator("aten::add", "Tensor", 3)], [tensor], ["int"], 2,
            [new PtmfArg("self", "__torch__.M")], [new PtmfArg("", "Tensor")], [7, 8], (uint)type));
        uint obj = (uint)w.AddObject((uint)type, 0, [tensor, il], 0);
        var m = PtmfModule.Load(w.Finish(9, [fn], obj, [none, c], 7, 3));

        Assert.Equal((9u, 7u, 3u, 1), (m.BytecodeVersion, m.OperatorVersion, m.MobileIValueSize, m.StorageDataSize));
        Assert.True(m.IValue(none).IsNone);
        Assert.Equal(-5, m.IValue(i).AsInt);
        Assert.True(m.IValue(b).AsBool);
        Assert.Equal(0.25, m.IValue(d).AsDouble);
        Assert.Equal((1.0, -1.0), m.IValue(c).AsComplexDouble);
        Assert.Equal("héllo", m.IValue(s).AsString);
        Assert.Equal("cpu", m.IValue(dev).AsDevice);
        Assert.Equal([i, b], m.IValue(list).Items);
        Assert.Equal("List[Any]", m.IValue(list).AnnotationStr);
        Assert.Equal([s, dev], m.IValue(tuple).Items);
        Assert.Equal([s], m.IValue(dict).DictKeys);
        Assert.Equal([i], m.IValue(dict).DictValues);
        Assert.Equal("Dict[str, int]", m.IValue(dict).AnnotationStr);
        Assert.Equal([1L, 2L], m.IValue(il).AsIntList);
        Assert.Equal([0.5], m.IValue(dl).AsDoubleList);
        Assert.Equal([true, false], m.IValue(bl).AsBoolList);
        Assert.Equal(("__torch__.Color", i), (m.IValue(en).EnumTypeName, m.IValue(en).EnumValueIndex));
        var t = m.CreateTensor(m.IValue(tensor).AsTensor);
        Assert.Equal([2L, 2L], t.SizesArray());
        Assert.Equal(1, t.StorageOffset);
        var f = m.IValue(fn).AsFunction;
        Assert.Equal("LOADC 0 0|RET 0 0", string.Join("|", f.Instructions));
        Assert.Equal([new PtmfOperator("aten::add", "Tensor", 3)], f.Operators);
        Assert.Equal([7L, 8L], f.DebugHandles);
        Assert.Equal(["int"], f.TypeAnnotations);
        Assert.Equal((uint)type, f.ClassType);
        Assert.Equal([tensor, il], m.StateObject.AsObject.Attrs);
        Assert.Equal(["a", "b"], m.ObjectType(0).AttrNames);
        var ex = Assert.Throws<JitFormatException>(() => m.IValue(i).AsFunction);
        Assert.Contains("is Int, expected Function", ex.Message);
    }

    [TorchFact]
    public void PyTorchLoadsOurFilesAndComputesTheSame()
    {
        string dir = Path.Combine(Path.GetTempPath(), "jit-ptmf-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (var name in new[] { "mlp", "control", "submodule", "attrs" })
                File.WriteAllBytes(Path.Combine(dir, name + ".ptmf"), PtmfWriter.Rewrite(PtmfModule.Load(PtmfFixtureTests.Fixture(name))));
            string script = ExternalTools.FixturePath("..", "..", "..", "..", "..", "tools", "fixtures", "ptmf_samples.py");
            Assert.True(File.Exists(script), $"tools/fixtures/ptmf_samples.py not found from {AppContext.BaseDirectory}");
            var (code, stdout, stderr) = ExternalTools.Run(ExternalTools.TorchPython!,
                [script, "--check", ExternalTools.FixturePath("ptmf"), dir], TimeSpan.FromMinutes(5));
            Assert.True(code == 0, $"PyTorch rejected our files:\n{stdout}\n{stderr}");
            Assert.Contains("mlp ok", stdout);
            Assert.Contains("attrs ok", stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
