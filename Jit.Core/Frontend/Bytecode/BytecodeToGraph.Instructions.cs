using Jit.Errors;
using Jit.Serialization.Ptmf;
using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;

namespace Jit.Frontend.Bytecode;

// Straight-line instructions: each becomes zero or more graph nodes appended to the current block.
public sealed partial class BytecodeToGraph
{
    private const int MaxInstructions = 1 << 24;

    private RangeEnd ConvertRange(Block block, int start, int end, FrameState s)
    {
        if (start < 0 || end > _fn.Instructions.Count || end > MaxInstructions) throw Error(start, $"range [{start}, {end}) outside the code");
        int pc = start;
        while (pc < end)
        {
            var ins = _fn.Instructions[pc];
            string what = $"{ins.Op} at instruction {pc} of {_fn.QualifiedName}";
            switch (ins.Op)
            {
                case BytecodeOpCode.JF:
                    pc = ConvertIf(block, pc, end, s);
                    continue;
                case BytecodeOpCode.LOOP:
                    pc = ConvertLoop(block, pc, end, s);
                    continue;
                case BytecodeOpCode.JMP:
                    throw Error(pc, "a jump that does not close an if or a loop (unstructured control flow)");
                case BytecodeOpCode.RET:
                    if (pc != end - 1 && block != _graph.Block) throw Error(pc, "RET inside a block");
                    return new RangeEnd(true, false, s.Stack.Select(v => v ?? throw Error(pc, "RET of a loop slot")).ToArray());
                case BytecodeOpCode.RAISE_EXCEPTION:
                {
                    var args = s.PopN(2, what);
                    Emit(block, "prim::RaiseException", args);
                    pc++;
                    // Code after a raise in the same block is unreachable; skip to the block's end.
                    if (pc < end && _fn.Instructions[pc].Op != BytecodeOpCode.JMP) pc = SkipUnreachable(pc, end);
                    return new RangeEnd(false, true, []);
                }
                default:
                    ConvertSimple(block, pc, ins, s, what);
                    pc++;
                    break;
            }
        }
        return new RangeEnd(false, false, []);
    }

    private int SkipUnreachable(int pc, int end)
    {
        while (pc < end && _fn.Instructions[pc].Op != BytecodeOpCode.JMP) pc++;
        return pc;
    }

    private void ConvertSimple(Block block, int pc, Instruction ins, FrameState s, string what)
    {
        switch (ins.Op)
        {
            case BytecodeOpCode.OP:
            case BytecodeOpCode.OPN:
                ConvertOperator(block, pc, ins, s, what);
                break;
            case BytecodeOpCode.LOAD: s.Push(s.Load(ins.X, what)); break;
            case BytecodeOpCode.MOVE:
                s.Push(s.Load(ins.X, what));
                s.Clear(ins.X, what);
                break;
            case BytecodeOpCode.STORE: s.Store(ins.X, s.Pop(what), what); break;
            case BytecodeOpCode.STOREN:
            {
                var values = s.PopN(ins.N, what);
                for (int i = 0; i < values.Length; i++) s.Store(ins.X + i, values[i], what);
                break;
            }
            case BytecodeOpCode.DROP: s.Pop(what); break;
            case BytecodeOpCode.DROPR: s.Clear(ins.X, what); break;
            case BytecodeOpCode.LOADC: s.Push(Constant(ins.X, pc)); break;
            case BytecodeOpCode.GET_ATTR:
            {
                var obj = s.Pop(what);
                var (name, type) = Attribute(obj, ins.X, pc);
                var node = Emit(block, "prim::GetAttr", [obj], type);
                node.SetAttribute("name", Ir.Attribute.Of(name));
                s.Push(node.Output());
                break;
            }
            case BytecodeOpCode.SET_ATTR:
            {
                var value = s.Pop(what);
                var obj = s.Pop(what);
                var (name, _) = Attribute(obj, ins.X, pc);
                Emit(block, "prim::SetAttr", [obj, value]).SetAttribute("name", Ir.Attribute.Of(name));
                break;
            }
            case BytecodeOpCode.LIST_CONSTRUCT:
            {
                var type = TypeAt(ins.X, pc);
                s.Push(Emit(block, "prim::ListConstruct", s.PopN(ins.N, what), type).Output());
                break;
            }
            case BytecodeOpCode.LIST_UNPACK:
            {
                var list = s.Pop(what);
                // Checked before the outputs are made: the count comes from the file.
                if (ins.X < 0 || ins.X > FrameState.MaxStack - s.Stack.Count)
                    throw Error(pc, $"LIST_UNPACK of {ins.X} values onto a stack of {s.Stack.Count} (limit {FrameState.MaxStack})");
                var elem = list.Type is ListType lt ? lt.Element : AnyType.Instance;
                var node = Emit(block, "prim::ListUnpack", [list], Enumerable.Repeat(elem, ins.X).ToArray());
                foreach (var o in node.Outputs) s.Push(o);
                break;
            }
            case BytecodeOpCode.TUPLE_CONSTRUCT:
            {
                var items = s.PopN(ins.X, what);
                s.Push(Emit(block, "prim::TupleConstruct", items, new TupleType(items.Select(v => v.Type).ToArray())).Output());
                break;
            }
            case BytecodeOpCode.NAMED_TUPLE_CONSTRUCT:
            {
                var type = TypeAt(ins.X, pc);
                s.Push(Emit(block, "prim::TupleConstruct", s.PopN(ins.N, what), type).Output());
                break;
            }
            case BytecodeOpCode.TUPLE_INDEX:
            {
                var index = s.Pop(what);
                var tuple = s.Pop(what);
                s.Push(Emit(block, "prim::TupleIndex", [tuple, index], TupleElementType(tuple, index)).Output());
                break;
            }
            case BytecodeOpCode.TUPLE_SLICE:
            {
                var tuple = s.Pop(what);
                var elems = (tuple.Type as TupleType)?.Elements ?? [];
                int beg = Math.Clamp(ins.X, 0, elems.Count), endIndex = Math.Clamp(ins.X + ins.N, beg, elems.Count);
                var node = Emit(block, "prim::TupleSlice", [tuple], new TupleType(elems.Skip(beg).Take(endIndex - beg).ToArray()));
                node.SetAttribute("beg", Ir.Attribute.Of((long)ins.X)).SetAttribute("end", Ir.Attribute.Of((long)ins.X + ins.N));
                s.Push(node.Output());
                break;
            }
            case BytecodeOpCode.DICT_CONSTRUCT:
            {
                var type = TypeAt(ins.X, pc);
                if (ins.N % 2 != 0) throw Error(pc, $"DICT_CONSTRUCT of {ins.N} values (keys and values come in pairs)");
                s.Push(Emit(block, "prim::DictConstruct", s.PopN(ins.N, what), type).Output());
                break;
            }
            case BytecodeOpCode.DICT_INDEX:
            {
                var key = s.Pop(what);
                var dict = s.Pop(what);
                var valueType = (dict.Type as DictType)?.Value ?? AnyType.Instance;
                s.Push(Emit(block, "prim::DictIndex", [dict, key], valueType).Output());
                break;
            }
            case BytecodeOpCode.CREATE_OBJECT:
                s.Push(Emit(block, "prim::CreateObject", [], TypeAt(ins.X, pc)).Output());
                break;
            case BytecodeOpCode.ISINSTANCE:
            {
                var v = s.Pop(what);
                if (ins.X < 0 || ins.X + (long)ins.N > _fn.Types.Count)
                    throw Error(pc, $"ISINSTANCE types [{ins.X}, {ins.X + (long)ins.N}) are out of range (the function has {_fn.Types.Count} types)");
                var candidates = Enumerable.Range(ins.X, ins.N).Select(i => TypeAt(i, pc)).ToArray();
                var node = Emit(block, "prim::isinstance", [v], BoolType.Instance);
                node.SetAttribute("types", new Ir.Attribute(AttributeKind.Types, candidates));
                s.Push(node.Output());
                break;
            }
            case BytecodeOpCode.UNCHECKED_CAST:
            {
                var v = s.Pop(what);
                var type = v.Type is OptionalType o ? o.Element : v.Type;
                s.Push(Emit(block, "prim::unchecked_cast", [v], type).Output());
                break;
            }
            case BytecodeOpCode.__IS__: s.Push(Emit(block, "aten::__is__", s.PopN(2, what), BoolType.Instance).Output()); break;
            case BytecodeOpCode.__ISNOT__: s.Push(Emit(block, "aten::__isnot__", s.PopN(2, what), BoolType.Instance).Output()); break;
            case BytecodeOpCode.__NOT__: s.Push(Emit(block, "aten::__not__", [s.Pop(what)], BoolType.Instance).Output()); break;
            case BytecodeOpCode.UN_INITIALIZED: s.Push(Emit(block, "prim::Uninitialized", [], AnyType.Instance).Output()); break;
            case BytecodeOpCode.FORMAT: s.Push(Emit(block, "aten::format", s.PopN(ins.X, what), StringType.Instance).Output()); break;
            case BytecodeOpCode.DEVICE: s.Push(Emit(block, "prim::device", [s.Pop(what)], DeviceObjType.Instance).Output()); break;
            case BytecodeOpCode.DTYPE: s.Push(Emit(block, "prim::dtype", [s.Pop(what)], IntType.Instance).Output()); break;
            case BytecodeOpCode.DIM: s.Push(Emit(block, "aten::dim", [s.Pop(what)], IntType.Instance).Output()); break;
            case BytecodeOpCode.IS_CUDA: s.Push(Emit(block, "prim::is_cuda", [s.Pop(what)], BoolType.Instance).Output()); break;
            case BytecodeOpCode.NUM_TO_TENSOR: s.Push(Emit(block, "prim::NumToTensor", [s.Pop(what)], TensorType.Unknown).Output()); break;
            case BytecodeOpCode.WARN:
                // X only numbers the warning (each warns once); the stack holds (message, stacklevel).
                Emit(block, "aten::warn", s.PopN(2, what));
                break;
            default:
                throw Error(pc, $"opcode {ins.Op} is not supported");
        }
    }

    private void ConvertOperator(Block block, int pc, Instruction ins, FrameState s, string what)
    {
        if ((uint)ins.X >= (uint)_schemas.Length)
            throw Error(pc, $"operator index {ins.X} is out of range (the function has {_schemas.Length} operators)");
        var op = _fn.Operators[ins.X];
        if (_schemas[ins.X] is not { } schema)
        {
            EmitUnsupported(block, pc, ins, op, s, what);
            return;
        }
        int pushed = ins.Op == BytecodeOpCode.OPN ? ins.N : op.NumArgs < 0 ? schema.Arguments.Count : op.NumArgs;
        var args = s.PopN(pushed, what).ToList();
        // Arguments the caller left out take their schema defaults, as the mobile loader fills them.
        for (int i = args.Count; i < schema.Arguments.Count && !schema.IsVararg; i++)
        {
            var arg = schema.Arguments[i];
            if (arg.DefaultValue is not { } dv)
                throw Error(pc, $"{schema.QualifiedOverloadName} is called without argument '{arg.Name}', which has no default");
            args.Add(DefaultConstant(dv, arg.Type));
        }
        var types = schema.IsVarret ? VarretTypes(schema, args, pc) : SchemaTypes.ReturnTypes(schema, args);
        // prim::unchecked_cast called as an operator narrows as the UNCHECKED_CAST opcode does:
        // "t x -> t" would keep the Optional, and no overload takes a Tensor? where a Tensor is due.
        if (schema.Name == "prim::unchecked_cast" && types is [OptionalType cast]) types = [cast.Element];
        var node = Emit(block, schema.Name, args, types);
        foreach (var o in node.Outputs) s.Push(o);
    }

    /// <summary>
    /// A call of an operator the registry lacks becomes <c>prim::UnsupportedOp</c>, which throws
    /// the JitSchemaException loading used to when it runs: a module whose unknown op sits on a
    /// path not taken (nn.TransformerEncoder's mask branch) loads and runs. Its arguments are the
    /// values the caller pushed (OPN's N, else the table's num_args). The table says nothing of its
    /// results, so their count comes from the code after the call, as PyTorch's emitter writes it:
    /// STOREN n stores n results, STORE or DROP one; otherwise the single result of an op emitted
    /// inline at its use. Their type is Any.
    /// </summary>
    private void EmitUnsupported(Block block, int pc, Instruction ins, BytecodeOperator op, FrameState s, string what)
    {
        if (ins.Op != BytecodeOpCode.OPN && op.NumArgs < 0)
            throw Error(pc, $"{Unsupported(op, ins.X)}, and its operator table entry does not say how many arguments it takes");
        var args = s.PopN(ins.Op == BytecodeOpCode.OPN ? ins.N : op.NumArgs, what);
        var next = pc + 1 < _fn.Instructions.Count ? _fn.Instructions[pc + 1] : default;
        int results = next.Op == BytecodeOpCode.STOREN ? next.N : 1;
        var node = Emit(block, "prim::UnsupportedOp", args, Enumerable.Repeat((JitType)AnyType.Instance, results).ToArray());
        node.SetAttribute("message", Ir.Attribute.Of($"{Unsupported(op, ins.X)}; in {_fn.QualifiedName}"));
        foreach (var o in node.Outputs) s.Push(o);
    }

    /// <summary>
    /// Outputs of an op that returns "...": the mobile interpreter pushes whatever it produces, so
    /// the count comes from the input, as prim::TupleUnpack pushes each element of its tuple.
    /// </summary>
    private JitType[] VarretTypes(FunctionSchema schema, IReadOnlyList<Value> args, int pc)
    {
        if (schema.Name == "prim::TupleUnpack" && args.Count == 1 && args[0].Type is TupleType tt) return tt.Elements.ToArray();
        throw Error(pc, $"{schema.QualifiedOverloadName} returns a variable number of values, and its input of type {(args.Count > 0 ? args[0].Type : "none")} does not say how many");
    }

    private Value DefaultConstant(IValue value, JitType type)
    {
        var node = _graph.Create("prim::Constant", null, 1);
        node.Output().Type = value.IsNone ? NoneType.Instance : type is OptionalType o ? o.Element : type;
        Constants.SetValue(node, value);
        _graph.Block.PrependNode(node);
        return node.Output();
    }

    private (string Name, JitType Type) Attribute(Value obj, int slot, int pc)
    {
        if (obj.Type is not ClassType cls)
            throw Error(pc, $"attribute slot {slot} of a value of type {obj.Type}, which is not an object");
        if ((uint)slot >= (uint)cls.Attributes.Count)
            throw Error(pc, $"attribute slot {slot} is out of range for class {cls.Name} with {cls.Attributes.Count} attributes");
        var a = cls.Attributes[slot];
        return (a.Name, a.Type);
    }

    private static JitType TupleElementType(Value tuple, Value index)
    {
        if (tuple.Type is TupleType tt && index.Node.Kind == "prim::Constant" && index.Node.GetAttribute("value")?.Value is long i
            && i >= -tt.Elements.Count && i < tt.Elements.Count)
            return tt.Elements[(int)(i < 0 ? i + tt.Elements.Count : i)];
        return AnyType.Instance;
    }
}
