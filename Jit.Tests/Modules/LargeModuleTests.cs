using System.Runtime.InteropServices;
using Jit.Modules;
using Jit.Runtime;
using Jit.Serialization.Ptmf;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Modules.MalformedModuleFiles;
using Op = Jit.Serialization.Ptmf.BytecodeOpCode;

namespace Jit.Tests.Modules;

/// <summary>Files past the sizes where 16-bit offsets or copies would show: built in memory, never committed.</summary>
public class LargeModuleTests
{
    [Fact]
    public void TablesAndVectorsPast32KiloBytesVerifyAndLoad()
    {
        const int n = 12_000; // 48 KB of constant indices, and as many strings
        var w = new PtmfWriter();
        w.AddObjectType("__torch__.M", PtmfTypeType.ClassWithField, ["names", "long"]);
        var strings = new uint[n];
        for (int i = 0; i < n; i++) strings[i] = (uint)w.AddString($"name{i}");
        uint list = (uint)w.AddList(strings, "List[str]");
        uint longString = (uint)w.AddString(new string('x', 100_000));
        var constants = new uint[n];
        for (int i = 0; i < n; i++) constants[i] = (uint)w.AddInt(i);
        // forward(self, x) returns x after loading the last constant and dropping it.
        uint forward = (uint)w.AddFunction(new PtmfFunctionInfo("__torch__.M.forward",
            [I(Op.STOREN, 1, 2), I(Op.LOADC, n - 1), I(Op.DROP), I(Op.MOVE, 2), I(Op.RET)], [], constants, [], 2,
            [new PtmfArg("self", "__torch__.M"), new PtmfArg("x", "Tensor")], [new PtmfArg("", "Tensor")], null, 0));
        uint root = (uint)w.AddObject(0, 0, [list, longString], 0);
        var bytes = w.Finish(9, [forward], root, [], 0, 0);
        Assert.True(bytes.Length > 200_000);

        var file = PtmfModule.Load(bytes);
        Assert.Equal(n, file.IValue(forward).AsFunction.Constants.Length);
        Assert.Equal(n - 1, file.IValue(constants[^1]).AsInt);
        var m = JitModule.Load(bytes);
        var names = m.Object.GetAttr("names").AsList;
        Assert.Equal(n, names.Count);
        Assert.Equal($"name{n - 1}", names[n - 1].AsString);
        Assert.Equal(100_000, m.Object.GetAttr("long").AsString.Length);
        var x = Tensor.FromArray(new float[] { 1, 2 }, 2);
        Assert.Equal([1.0, 2.0], m.Forward(Cpu, IValue.FromTensor(x)).AsTensor.ToDoubleArray());
    }

    [Fact]
    public void AStorageOver100MegabytesLoadsInPlace()
    {
        const int rows = 6400, cols = 4096; // 6400 x 4096 float32 = 104,857,600 bytes
        var data = new byte[rows * cols * 4];
        MemoryMarshal.Cast<byte, float>(data.AsSpan())[^1] = 42f;
        var w = new PtmfWriter();
        w.AddStorage(data);
        data = null; // the writer holds its own copy; let the GC have this one
        w.AddObjectType("__torch__.M", PtmfTypeType.ClassWithField, ["w"]);
        uint t = (uint)w.AddTensor(0, 6, 0, [rows, cols], [cols, 1]);
        uint root = (uint)w.AddObject(0, 0, [t], 0);
        var bytes = w.Finish(9, [], root, [], 0, 0);
        w = null;
        Assert.True(bytes.Length > 100 << 20);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var m = JitModule.Load(bytes);
        var tensor = m.Object.GetAttr("w").AsTensor;
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "loading copied the storage");
        Assert.Equal([(long)rows, cols], tensor.SizesArray());
        Assert.True(MemoryMarshal.TryGetArray<byte>(tensor.Storage.Bytes, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(42f, MemoryMarshal.Cast<byte, float>(tensor.Storage.Bytes.Span)[^1]);
    }

    [Fact]
    public void ADictWithManyKeysLoadsInLinearTime()
    {
        const int n = 30_000;
        var w = new PtmfWriter();
        w.AddObjectType("__torch__.M", PtmfTypeType.ClassWithField, ["d"]);
        var keys = new uint[n];
        for (int i = 0; i < n; i++) keys[i] = (uint)w.AddInt(i);
        keys[^1] = keys[0]; // a repeated key: the later value wins, as in Python
        uint dict = (uint)w.AddDict(keys, keys, "Dict[int, int]");
        uint root = (uint)w.AddObject(0, 0, [dict], 0);
        var d = JitModule.Load(w.Finish(9, [], root, [], 0, 0)).Object.GetAttr("d").AsDict;
        Assert.Equal(n - 1, d.Entries.Count);
        Assert.True(d.TryGet(IValue.FromInt(5), out var five));
        Assert.Equal(5, five.AsInt);
    }
}
