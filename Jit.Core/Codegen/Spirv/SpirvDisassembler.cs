using System.Globalization;
using System.Text;
using Jit.Errors;

namespace Jit.Codegen.Spirv;

/// <summary>
/// Prints the SPIR-V modules <see cref="SpirvModuleBuilder"/> writes as a readable listing in the
/// manner of <c>spirv-dis</c> (not its exact format): one instruction a line, <c>%id = OpName</c>,
/// ids as <c>%n</c>, literals as numbers, strings quoted, constants with their values, debug
/// names shown beside the ids they name.
/// </summary>
public static class SpirvDisassembler
{
    // Operand kinds per opcode after the result type and result id: i id, l literal, s string,
    // trailing '*' repeats the last kind to the end. Opcodes not listed take ids only.
    private static readonly Dictionary<SpirvOp, string> Kinds = new()
    {
        [SpirvOp.Name] = "is", [SpirvOp.Extension] = "s", [SpirvOp.ExtInstImport] = "s", [SpirvOp.ExtInst] = "ili*",
        [SpirvOp.MemoryModel] = "ll", [SpirvOp.EntryPoint] = "lisi*", [SpirvOp.ExecutionMode] = "il*",
        [SpirvOp.Capability] = "l", [SpirvOp.TypeInt] = "ll", [SpirvOp.TypeFloat] = "l", [SpirvOp.TypeVector] = "il",
        [SpirvOp.TypePointer] = "li", [SpirvOp.Function] = "li", [SpirvOp.Variable] = "l",
        [SpirvOp.Decorate] = "il*", [SpirvOp.MemberDecorate] = "ill*", [SpirvOp.CompositeExtract] = "il*",
        [SpirvOp.LoopMerge] = "iil", [SpirvOp.SelectionMerge] = "il", [SpirvOp.Constant] = "l*",
    };

    // Opcodes with a result id but no result type.
    private static readonly HashSet<SpirvOp> Untyped =
    [
        SpirvOp.ExtInstImport, SpirvOp.TypeVoid, SpirvOp.TypeBool, SpirvOp.TypeInt, SpirvOp.TypeFloat, SpirvOp.TypeVector,
        SpirvOp.TypeArray, SpirvOp.TypeRuntimeArray, SpirvOp.TypeStruct, SpirvOp.TypePointer, SpirvOp.TypeFunction, SpirvOp.Label,
    ];

    // Opcodes with neither.
    private static readonly HashSet<SpirvOp> NoResult =
    [
        SpirvOp.Name, SpirvOp.Extension, SpirvOp.MemoryModel, SpirvOp.EntryPoint, SpirvOp.ExecutionMode, SpirvOp.Capability,
        SpirvOp.FunctionEnd, SpirvOp.Store, SpirvOp.Decorate, SpirvOp.MemberDecorate, SpirvOp.ControlBarrier,
        SpirvOp.LoopMerge, SpirvOp.SelectionMerge, SpirvOp.Branch, SpirvOp.BranchConditional, SpirvOp.Return,
    ];

    private static readonly Dictionary<uint, string> StorageClasses = new()
    {
        [SpvStorage.Input] = "Input", [SpvStorage.Workgroup] = "Workgroup", [SpvStorage.Function] = "Function",
        [SpvStorage.PushConstant] = "PushConstant", [SpvStorage.StorageBuffer] = "StorageBuffer",
    };

    private static readonly Dictionary<uint, string> Decorations = new()
    {
        [SpvDecoration.Block] = "Block", [SpvDecoration.ArrayStride] = "ArrayStride", [SpvDecoration.BuiltIn] = "BuiltIn",
        [SpvDecoration.NonWritable] = "NonWritable", [SpvDecoration.Binding] = "Binding", [SpvDecoration.DescriptorSet] = "DescriptorSet",
        [SpvDecoration.Offset] = "Offset", [SpvDecoration.NoContraction] = "NoContraction",
    };

    private static readonly Dictionary<uint, string> Capabilities = new()
    {
        [SpvCapability.Shader] = "Shader", [SpvCapability.Float64] = "Float64", [SpvCapability.Int64] = "Int64",
        [SpvCapability.StorageBuffer8BitAccess] = "StorageBuffer8BitAccess", [SpvCapability.StorageBuffer16BitAccess] = "StorageBuffer16BitAccess",
    };

    private static readonly Dictionary<uint, string> BuiltIns = new()
    {
        [SpvBuiltIn.NumWorkgroups] = "NumWorkgroups", [SpvBuiltIn.WorkgroupId] = "WorkgroupId",
        [SpvBuiltIn.LocalInvocationId] = "LocalInvocationId", [SpvBuiltIn.GlobalInvocationId] = "GlobalInvocationId",
    };

    // The name of literal operand k of op where it is an enumerant the listing spells out.
    private static string? Enumerant(SpirvOp op, int k, ArraySegment<uint> ops) => op switch
    {
        SpirvOp.Capability => Capabilities.GetValueOrDefault(ops[k]),
        SpirvOp.TypePointer when k == 1 => StorageClasses.GetValueOrDefault(ops[k]),
        SpirvOp.Variable when k == 2 => StorageClasses.GetValueOrDefault(ops[k]),
        SpirvOp.Decorate when k == 1 => Decorations.GetValueOrDefault(ops[k]),
        SpirvOp.Decorate when k == 2 && ops[1] == SpvDecoration.BuiltIn => BuiltIns.GetValueOrDefault(ops[k]),
        SpirvOp.MemberDecorate when k == 2 => Decorations.GetValueOrDefault(ops[k]),
        SpirvOp.EntryPoint when k == 0 && ops[k] == 5 => "GLCompute",
        SpirvOp.ExecutionMode when k == 1 && ops[k] == 17 => "LocalSize",
        SpirvOp.MemoryModel => k == 0 ? "Logical" : "GLSL450",
        _ => null,
    };

    /// <summary>The listing of <paramref name="words"/>.</summary>
    public static string Print(IReadOnlyList<uint> words)
    {
        if (words.Count < 5 || words[0] != 0x07230203) throw new JitIrException("not a SPIR-V module (bad magic number)");
        var all = words.ToArray();
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"; SPIR-V {words[1] >> 16}.{(words[1] >> 8) & 0xff}, bound {words[3]}\n");
        var names = new Dictionary<uint, string>();
        var floatWidth = new Dictionary<uint, int>();
        for (int pass = 0; pass < 2; pass++)
        {
            for (int at = 5; at < words.Count;)
            {
                int count = (int)(words[at] >> 16);
                var op = (SpirvOp)(words[at] & 0xffff);
                if (count == 0 || at + count > words.Count) throw new JitIrException($"SPIR-V word {at}: bad instruction length {count}");
                var operands = new ArraySegment<uint>(all, at + 1, count - 1);
                if (pass == 0)
                {
                    if (op == SpirvOp.Name) names[operands[0]] = Text(operands, 1, out _);
                    if (op == SpirvOp.TypeFloat) floatWidth[operands[0]] = (int)operands[1];
                }
                else sb.Append(Line(op, operands, names, floatWidth)).Append('\n');
                at += count;
            }
        }
        return sb.ToString();
    }

    private static string Line(SpirvOp op, ArraySegment<uint> ops, Dictionary<uint, string> names, Dictionary<uint, int> floatWidth)
    {
        string Id(uint id) => names.TryGetValue(id, out var n) ? $"%{id}({n})" : $"%{id}";
        var parts = new List<string>();
        int k = 0;
        string head = "";
        string opName = Enum.IsDefined(op) ? "Op" + op : $"Op#{(int)op}";
        if (!NoResult.Contains(op))
        {
            if (!Untyped.Contains(op))
            {
                parts.Add(Id(ops[0]));
                k = 1;
            }
            head = $"{Id(ops[k])} = ";
            k++;
        }
        if (op == SpirvOp.Constant && k == 2)
        {
            uint type = ops[0];
            ulong bits = ops.Count > 3 ? ops[2] | ((ulong)ops[3] << 32) : ops[2];
            parts.Add(floatWidth.TryGetValue(type, out int w)
                ? (w == 64 ? BitConverter.UInt64BitsToDouble(bits) : BitConverter.UInt32BitsToSingle((uint)bits)).ToString("R", CultureInfo.InvariantCulture)
                : ops.Count > 3 ? ((long)bits).ToString(CultureInfo.InvariantCulture) : ((int)(uint)bits).ToString(CultureInfo.InvariantCulture));
            return $"{head}{opName} {string.Join(" ", parts)}";
        }
        string kinds = Kinds.TryGetValue(op, out var s) ? s : "i*";
        int kind = 0;
        while (k < ops.Count)
        {
            char c = kinds[Math.Min(kind, kinds.Length - 1)];
            if (c == '*') c = kinds[kinds.Length - 2];
            else kind++;
            switch (c)
            {
                case 's':
                    parts.Add('"' + Text(ops, k, out int used) + '"');
                    k += used;
                    break;
                case 'l':
                    parts.Add(Enumerant(op, k, ops) ?? ops[k].ToString(CultureInfo.InvariantCulture));
                    k++;
                    break;
                default:
                    parts.Add(Id(ops[k++]));
                    break;
            }
        }
        return $"{(op == SpirvOp.Label ? "\n" : "")}{head}{opName}{(parts.Count > 0 ? " " : "")}{string.Join(" ", parts)}";
    }

    // A nul-terminated string starting at word k; used: the words it takes.
    private static string Text(ArraySegment<uint> ops, int k, out int used)
    {
        var bytes = new List<byte>();
        used = 0;
        for (int w = k; w < ops.Count; w++)
        {
            used++;
            for (int b = 0; b < 4; b++)
            {
                byte x = (byte)(ops[w] >> (8 * b));
                if (x == 0) return Encoding.UTF8.GetString(bytes.ToArray());
                bytes.Add(x);
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
