using System.Text;

namespace Jit.Codegen.Spirv;

/// <summary>
/// Builds one SPIR-V 1.3 binary module (what Vulkan 1.1 takes) section by section, in the order
/// the specification's logical layout requires: capabilities, extensions, extended instruction
/// imports, memory model, entry points, execution modes, names, decorations, types / constants /
/// global variables, functions. Types and constants are deduplicated (asking twice for
/// <c>int 64 signed</c> gives one id); function bodies are written block by block through
/// <see cref="Emit"/> and <see cref="Result"/>, structured control flow through
/// <see cref="Label"/>, <see cref="LoopMerge"/> and <see cref="SelectionMerge"/>.
/// </summary>
public sealed class SpirvModuleBuilder
{
    /// <summary>The version word of SPIR-V 1.3.</summary>
    public const uint Version13 = 0x00010300;

    private uint _bound = 1;
    private readonly List<uint> _capabilities = [], _extensions = [], _imports = [], _entries = [], _modes = [],
        _names = [], _annotations = [], _globals = [], _functions = [], _variables = [], _body = [];
    private readonly HashSet<uint> _capabilitySet = [];
    private readonly HashSet<string> _extensionSet = [];
    private readonly Dictionary<string, uint> _interned = [];
    private uint? _glsl;
    private int _variablesAt;

    /// <summary>The label of the block being written.</summary>
    public uint CurrentBlock { get; private set; }

    /// <summary>A fresh id.</summary>
    public uint NewId() => _bound++;

    /// <summary>Declares a capability once.</summary>
    public void Capability(uint capability)
    {
        if (_capabilitySet.Add(capability)) Append(_capabilities, SpirvOp.Capability, capability);
    }

    /// <summary>Declares an extension once.</summary>
    public void Extension(string name)
    {
        if (_extensionSet.Add(name)) Append(_extensions, SpirvOp.Extension, Literal(name));
    }

    /// <summary>The id of the GLSL.std.450 extended instruction set, imported on first use.</summary>
    public uint Glsl450
    {
        get
        {
            if (_glsl is { } id) return id;
            _glsl = NewId();
            Append(_imports, SpirvOp.ExtInstImport, [_glsl.Value, .. Literal("GLSL.std.450")]);
            return _glsl.Value;
        }
    }

    /// <summary>A debug name for <paramref name="id"/>.</summary>
    public void Name(uint id, string name) => Append(_names, SpirvOp.Name, [id, .. Literal(name)]);

    /// <summary>A decoration of <paramref name="id"/>.</summary>
    public void Decorate(uint id, uint decoration, params uint[] operands) =>
        Append(_annotations, SpirvOp.Decorate, [id, decoration, .. operands]);

    /// <summary>A decoration of member <paramref name="member"/> of struct <paramref name="structType"/>.</summary>
    public void MemberDecorate(uint structType, uint member, uint decoration, params uint[] operands) =>
        Append(_annotations, SpirvOp.MemberDecorate, [structType, member, decoration, .. operands]);

    /// <summary>A GLCompute entry point with its work-group size; <paramref name="interfaceIds"/> are its Input variables.</summary>
    public void EntryPoint(uint function, string name, int localSize, IEnumerable<uint> interfaceIds)
    {
        Append(_entries, SpirvOp.EntryPoint, [5, function, .. Literal(name), .. interfaceIds]);
        Append(_modes, SpirvOp.ExecutionMode, function, 17, (uint)localSize, 1, 1);
    }

    // ---- types and constants (deduplicated) ----

    /// <summary>A type or constant instruction whose result id is deduplicated by its opcode and operands.</summary>
    public uint Interned(SpirvOp op, params uint[] operands)
    {
        var key = $"{(int)op}:{string.Join(",", operands)}";
        if (_interned.TryGetValue(key, out var id)) return id;
        id = NewId();
        bool typed = op is SpirvOp.Constant or SpirvOp.ConstantTrue or SpirvOp.ConstantFalse;
        Append(_globals, op, typed ? [operands[0], id, .. operands[1..]] : [id, .. operands]);
        _interned[key] = id;
        return id;
    }

    /// <summary>The void type.</summary>
    public uint TypeVoid() => Interned(SpirvOp.TypeVoid);
    /// <summary>The boolean type (not allowed in storage buffers or push constants).</summary>
    public uint TypeBool() => Interned(SpirvOp.TypeBool);
    /// <summary>An integer type of <paramref name="width"/> bits.</summary>
    public uint TypeInt(int width, bool signed) => Interned(SpirvOp.TypeInt, (uint)width, signed ? 1u : 0u);
    /// <summary>A float type of <paramref name="width"/> bits.</summary>
    public uint TypeFloat(int width) => Interned(SpirvOp.TypeFloat, (uint)width);
    /// <summary>A vector of <paramref name="count"/> components.</summary>
    public uint TypeVector(uint component, int count) => Interned(SpirvOp.TypeVector, component, (uint)count);
    /// <summary>A pointer into storage class <paramref name="storage"/>.</summary>
    public uint TypePointer(uint storage, uint pointee) => Interned(SpirvOp.TypePointer, storage, pointee);
    /// <summary>A function type with no parameters.</summary>
    public uint TypeFunction(uint result) => Interned(SpirvOp.TypeFunction, result);
    /// <summary>A fixed-length array (its length a 32-bit unsigned constant).</summary>
    public uint TypeArray(uint element, long length) => Interned(SpirvOp.TypeArray, element, ConstantUInt32((uint)length));

    /// <summary>A runtime array with its ArrayStride (decorated once per array type).</summary>
    public uint TypeRuntimeArray(uint element, int stride)
    {
        bool fresh = !_interned.ContainsKey($"{(int)SpirvOp.TypeRuntimeArray}:{element}");
        var id = Interned(SpirvOp.TypeRuntimeArray, element);
        if (fresh) Decorate(id, SpvDecoration.ArrayStride, (uint)stride);
        return id;
    }

    /// <summary>A struct type; never deduplicated, since each carries its own decorations.</summary>
    public uint TypeStruct(params uint[] members)
    {
        var id = NewId();
        Append(_globals, SpirvOp.TypeStruct, [id, .. members]);
        return id;
    }

    /// <summary>A 32-bit unsigned constant (struct member indices, scopes, array lengths).</summary>
    public uint ConstantUInt32(uint value) => Interned(SpirvOp.Constant, TypeInt(32, false), value);

    /// <summary>An integer constant of a 32- or 64-bit integer type.</summary>
    public uint ConstantInt(uint type, int width, long value) => width == 64
        ? Interned(SpirvOp.Constant, type, (uint)value, (uint)((ulong)value >> 32))
        : Interned(SpirvOp.Constant, type, (uint)value);

    /// <summary>A float constant of a 32- or 64-bit float type, bit-exact (NaN, infinities and -0 included).</summary>
    public uint ConstantFloat(uint type, int width, double value)
    {
        if (width == 32) return Interned(SpirvOp.Constant, type, BitConverter.SingleToUInt32Bits((float)value));
        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        return Interned(SpirvOp.Constant, type, (uint)bits, (uint)(bits >> 32));
    }

    /// <summary>A boolean constant.</summary>
    public uint ConstantBool(bool value) => Interned(value ? SpirvOp.ConstantTrue : SpirvOp.ConstantFalse, TypeBool());

    /// <summary>A module-scope variable of storage class <paramref name="storage"/>.</summary>
    public uint GlobalVariable(uint pointerType, uint storage)
    {
        var id = NewId();
        Append(_globals, SpirvOp.Variable, pointerType, id, storage);
        return id;
    }

    // ---- functions ----

    /// <summary>Starts a <c>void()</c> function and its first block.</summary>
    public uint BeginFunction()
    {
        var id = NewId();
        Append(_functions, SpirvOp.Function, TypeVoid(), id, 0, TypeFunction(TypeVoid()));
        Label(NewId());
        _variablesAt = _functions.Count;
        return id;
    }

    /// <summary>Ends the function: returns from the current block; its variables lead its first block.</summary>
    public void EndFunction()
    {
        Emit(SpirvOp.Return);
        Flush();
        _functions.InsertRange(_variablesAt, _variables);
        _variables.Clear();
        Append(_functions, SpirvOp.FunctionEnd);
    }

    /// <summary>A Function-storage variable, declared at the top of the function's first block.</summary>
    public uint LocalVariable(uint pointerType)
    {
        var id = NewId();
        Append(_variables, SpirvOp.Variable, pointerType, id, SpvStorage.Function);
        return id;
    }

    /// <summary>Starts block <paramref name="label"/> (the previous block must have ended with a branch).</summary>
    public void Label(uint label)
    {
        Flush();
        Append(_functions, SpirvOp.Label, label);
        CurrentBlock = label;
    }

    /// <summary>An instruction with no result in the current block.</summary>
    public void Emit(SpirvOp op, params uint[] operands) => Append(_body, op, operands);

    /// <summary>An instruction with a result of <paramref name="type"/>; returns its id.</summary>
    public uint Result(SpirvOp op, uint type, params uint[] operands)
    {
        var id = NewId();
        Append(_body, op, [type, id, .. operands]);
        return id;
    }

    /// <summary>A GLSL.std.450 instruction.</summary>
    public uint Glsl(uint type, uint instruction, params uint[] operands) =>
        Result(SpirvOp.ExtInst, type, [Glsl450, instruction, .. operands]);

    /// <summary>Declares the current block a loop header with its merge and continue blocks.</summary>
    public void LoopMerge(uint merge, uint continueTarget) => Emit(SpirvOp.LoopMerge, merge, continueTarget, 0);
    /// <summary>Declares the current block a selection header with its merge block.</summary>
    public void SelectionMerge(uint merge) => Emit(SpirvOp.SelectionMerge, merge, 0);
    /// <summary>Ends the current block with a jump.</summary>
    public void Branch(uint target) => Emit(SpirvOp.Branch, target);
    /// <summary>Ends the current block with a two-way branch.</summary>
    public void BranchConditional(uint cond, uint ifTrue, uint ifFalse) => Emit(SpirvOp.BranchConditional, cond, ifTrue, ifFalse);

    private void Flush()
    {
        _functions.AddRange(_body);
        _body.Clear();
    }

    /// <summary>The module's words.</summary>
    public uint[] ToWords()
    {
        var words = new List<uint> { 0x07230203, Version13, 0, _bound, 0 };
        words.AddRange(_capabilities);
        words.AddRange(_extensions);
        words.AddRange(_imports);
        Append(words, SpirvOp.MemoryModel, 0, 1);
        words.AddRange(_entries);
        words.AddRange(_modes);
        words.AddRange(_names);
        words.AddRange(_annotations);
        words.AddRange(_globals);
        words.AddRange(_functions);
        return words.ToArray();
    }

    private static void Append(List<uint> section, SpirvOp op, params uint[] operands)
    {
        section.Add(((uint)(operands.Length + 1) << 16) | (uint)op);
        section.AddRange(operands);
    }

    /// <summary>A nul-terminated UTF-8 string packed into words, little-endian.</summary>
    public static uint[] Literal(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var words = new uint[bytes.Length / 4 + 1];
        for (int i = 0; i < bytes.Length; i++) words[i / 4] |= (uint)bytes[i] << (8 * (i % 4));
        return words;
    }
}
