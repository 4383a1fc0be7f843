using System.Buffers.Binary;
using Jit.Backends.Cpu;
using Jit.Errors;
using Jit.Modules;
using Jit.Runtime;
using Jit.Serialization.Ptmf;
using Jit.Tensors;
using Xunit;
using Op = Jit.Serialization.Ptmf.BytecodeOpCode;

namespace Jit.Tests.Modules;

/// <summary>
/// Shared pieces of the JitModule robustness tests: a small module built with PtmfWriter with a
/// hole for one bad index, byte patching by FlatBuffers field, and the full load, graph, forward path.
/// </summary>
internal static class MalformedModuleFiles
{
    public static readonly CpuBackend Cpu = new(Device.Cpu);

    public static PtmfInstruction I(Op op, int x = 0, ushort n = 0) => new((sbyte)op, n, x);

    /// <summary>
    /// A module whose root object M holds a float tensor <c>w</c>, and every kind of index field,
    /// each 0-or-valid except <paramref name="field"/>, which gets <paramref name="bad"/> (counts are
    /// those of the finished file: 10 ivalues, 2 object types, 1 storage).
    /// </summary>
    public static byte[] ModuleWithBadIndex(string? field, uint bad)
    {
        uint V(string name, uint good) => name == field ? bad : good;
        var w = new PtmfWriter();
        w.AddStorage(new byte[48]);
        w.AddObjectType("__torch__.M", PtmfTypeType.ClassWithField, ["w"]);
        w.AddObjectType("__torch__.S", PtmfTypeType.ClassWithSetState, []);
        uint tensor = (uint)w.AddTensor(V("storage_location_index", 0), 6, 0, [3, 4], [4, 1]);
        uint one = (uint)w.AddInt(1);
        w.AddList([V("list items", one)], "List[int]");
        w.AddTuple([V("tuple items", one)]);
        w.AddDict([V("dict keys", one)], [V("dict values", tensor)], "Dict[int, Tensor]");
        w.AddEnumValue("__torch__.E", V("enum value", one));
        uint forward = (uint)w.AddFunction(new PtmfFunctionInfo("__torch__.M.forward",
            [I(Op.STOREN, 1, 2), I(Op.MOVE, 2), I(Op.RET)], [], [V("constants", one)], [], 2,
            [new PtmfArg("self", "__torch__.M"), new PtmfArg("x", "Tensor", V("default_value", 0))], [new PtmfArg("", "Tensor")],
            null, V("class_type", 0)));
        w.AddObject(V("set-state type_index", 1), V("state", one), [], V("setstate_func", forward));
        w.AddNone();
        uint root = (uint)w.AddObject(V("type_index", 0), 0, [V("attrs", tensor)], 0);
        return w.Finish(9, [V("methods", forward)], V("state_obj", root), [V("jit_constants", one)], 0, 0);
    }

    /// <summary>A module whose forward(self, x: Tensor) is <paramref name="code"/>.</summary>
    /// <summary>forward(self, x: Tensor) -> Tensor with this code; constant 0 is the int 1, then <paramref name="bools"/>.</summary>
    public static byte[] ModuleWithCode(IReadOnlyList<PtmfInstruction> code, IReadOnlyList<PtmfOperator>? ops = null,
        int registers = 2, IReadOnlyList<string>? types = null, IReadOnlyList<bool>? bools = null)
    {
        var w = new PtmfWriter();
        w.AddObjectType("__torch__.M", PtmfTypeType.ClassWithField, []);
        uint[] constants = [(uint)w.AddInt(1), .. (bools ?? []).Select(b => (uint)w.AddBool(b))];
        uint forward = (uint)w.AddFunction(new PtmfFunctionInfo("__torch__.M.forward", code, ops ?? [], constants, types ?? [], registers,
            [new PtmfArg("self", "__torch__.M"), new PtmfArg("x", "Tensor")], [new PtmfArg("", "Tensor")], null, 0));
        uint root = (uint)w.AddObject(0, 0, [], 0);
        return w.Finish(9, [forward], root, [], 0, 0);
    }

    /// <summary>Position of a field's inline data in the table at <paramref name="table"/>, or -1 when absent.</summary>
    public static int FieldPosition(byte[] buf, int table, int slot)
    {
        int vt = table - BinaryPrimitives.ReadInt32LittleEndian(buf.AsSpan(table));
        int vtSize = BinaryPrimitives.ReadUInt16LittleEndian(buf.AsSpan(vt));
        int entry = 4 + 2 * slot;
        if (entry + 2 > vtSize) return -1;
        int fo = BinaryPrimitives.ReadUInt16LittleEndian(buf.AsSpan(vt + entry));
        return fo == 0 ? -1 : table + fo;
    }

    /// <summary>Where an offset field points (its target), given the field's position.</summary>
    public static int Target(byte[] buf, int fieldPos) => fieldPos + (int)BinaryPrimitives.ReadUInt32LittleEndian(buf.AsSpan(fieldPos));

    public static int RootTable(byte[] buf) => (int)BinaryPrimitives.ReadUInt32LittleEndian(buf);

    /// <summary>
    /// Load, build forward's graph, and run it on a random [2, 4] input. Returns whether all of it
    /// worked; a rejection must be a JitException (a format error with an offset inside the file or
    /// none), which the caller's assertion on the outcome then sees. Anything else propagates.
    /// </summary>
    public static bool LoadBuildRun(byte[] bytes, Random rng)
    {
        try
        {
            var m = JitModule.Load(bytes);
            m.MethodGraph("forward");
            var x = Tensor.FromArray(Enumerable.Range(0, 8).Select(_ => (float)rng.NextDouble()).ToArray(), 2, 4);
            m.Forward(Cpu, IValue.FromTensor(x));
            return true;
        }
        catch (JitFormatException e)
        {
            Assert.InRange(e.ByteOffset, -1, bytes.Length);
            return false;
        }
        catch (JitException)
        {
            return false;
        }
    }
}
