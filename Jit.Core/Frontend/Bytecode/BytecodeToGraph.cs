using Jit.Errors;
using Jit.Serialization.Ptmf;
using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;

namespace Jit.Frontend.Bytecode;

/// <summary>
/// Turns a mobile-bytecode function (a register/stack machine with jumps) into an SSA graph with
/// structured <c>prim::If</c> / <c>prim::Loop</c> blocks, by executing it symbolically: stack slots
/// and registers hold graph values instead of runtime values. Jumps must have the shapes PyTorch's
/// code emitter produces (if/else, loop); anything else is a clear error at load time.
/// </summary>
public sealed partial class BytecodeToGraph
{
    private readonly BytecodeFunction _fn;
    private readonly Func<string, JitType?> _resolveClass;
    private readonly TypeAnnotationParser _types;
    private readonly Graph _graph = new();
    private readonly Dictionary<int, Value> _constants = [];
    // Null where the registry lacks the operator (see EmitUnsupported).
    private readonly FunctionSchema?[] _schemas;

    // Limits that keep a hostile function from costing more than its size suggests: nesting
    // (recursion depth), register and stack slots copied at ifs and loops (time), and graph
    // values created (memory; LIST_UNPACK makes up to 65536 from one instruction).
    private const int MaxNesting = 256;
    private const long CopyBudget = 1 << 24;
    private const long BaseValueBudget = 1 << 18;
    private int _depth;
    private long _copied;
    private long _values;

    private BytecodeToGraph(BytecodeFunction fn, Func<string, JitType?> resolveClass)
    {
        _fn = fn;
        _resolveClass = resolveClass;
        _types = new TypeAnnotationParser(resolveClass);
        _schemas = fn.Operators.Select(ResolveOperator).ToArray();
    }

    /// <summary>Builds the graph of <paramref name="fn"/>; <paramref name="resolveClass"/> maps class names to their types.</summary>
    public static Graph Convert(BytecodeFunction fn, Func<string, JitType?> resolveClass)
    {
        try
        {
            return new BytecodeToGraph(fn, resolveClass).Build();
        }
        catch (JitException e)
        {
            throw e.WithContext($"while loading method {fn.QualifiedName}");
        }
    }

    private Graph Build()
    {
        var state = new FrameState(RegistersUsed());
        foreach (var arg in _fn.Arguments)
            state.Push(_graph.AddInput(SafeName(arg.Name), _types.Parse(arg.Type)));
        var end = ConvertRange(_graph.Block, 0, _fn.Instructions.Count, state);
        if (!end.Returned) throw Error(_fn.Instructions.Count, "the function ends without RET");
        foreach (var v in end.ReturnValues) _graph.RegisterOutput(v);
        return _graph;
    }

    /// <summary>
    /// register_size, but no more than the highest register an instruction names: the array is
    /// copied at every branch, so its length must not come from a number the code never uses.
    /// </summary>
    private int RegistersUsed()
    {
        if (_fn.RegisterSize is < 0 or > 1 << 20)
            throw new JitFormatException($"bytecode of {_fn.QualifiedName}: register_size {_fn.RegisterSize} is out of range");
        long highest = 0;
        foreach (var ins in _fn.Instructions)
        {
            long reg = ins.Op switch
            {
                BytecodeOpCode.LOAD or BytecodeOpCode.MOVE or BytecodeOpCode.STORE or BytecodeOpCode.DROPR => ins.X,
                BytecodeOpCode.STOREN => ins.X + (long)ins.N - 1,
                _ => 0,
            };
            highest = Math.Max(highest, reg);
        }
        return (int)Math.Min(_fn.RegisterSize, highest);
    }

    /// <summary>Bookkeeping for entering an if or a loop: nesting depth and the state copies it costs.</summary>
    private void EnterBlock(int pc, FrameState s)
    {
        if (++_depth > MaxNesting) throw Error(pc, $"control flow nested more than {MaxNesting} deep");
        _copied += 2L * (s.Registers.Length + s.Stack.Count);
        if (_copied > CopyBudget)
            throw Error(pc, $"converting the function's control flow copies more than {CopyBudget} register and stack slots (limit)");
    }

    private static string? SafeName(string name) =>
        name.Length == 0 || name.All(char.IsAsciiDigit) ? null : name;

    private FunctionSchema? ResolveOperator(BytecodeOperator op, int index)
    {
        var schema = OpRegistry.Default.FindOverload(op.QualifiedName);
        if (schema is null) return null;
        int declared = schema.Arguments.Count;
        if (op.NumArgs > declared && !schema.IsVararg)
            throw new JitFormatException($"operator {op.QualifiedName} is called with {op.NumArgs} arguments but its schema takes {declared}: {schema}");
        return schema;
    }

    private static string Unsupported(BytecodeOperator op, int index) =>
        $"operator {op.QualifiedName} (operator table entry {index}) is not supported";

    private JitFormatException Error(int pc, string what) =>
        new($"bytecode of {_fn.QualifiedName}, instruction {pc}: {what}");

    /// <summary>How a range of instructions ended.</summary>
    private readonly record struct RangeEnd(bool Returned, bool Raised, IReadOnlyList<Value> ReturnValues);

    private Value Constant(int index, int pc)
    {
        if ((uint)index >= (uint)_fn.Constants.Count)
            throw Error(pc, $"constant index {index} is out of range (the function has {_fn.Constants.Count} constants)");
        if (_constants.TryGetValue(index, out var v)) return v;
        var value = _fn.Constants[index];
        // Constants live at the top of the graph so every block can see them.
        var node = _graph.Create("prim::Constant", null, 1);
        node.Output().Type = ConstantType(value);
        Constants.SetValue(node, value);
        _graph.Block.PrependNode(node);
        _constants[index] = node.Output();
        return node.Output();
    }

    internal static JitType ConstantType(IValue v) => v.Tag switch
    {
        IValueTag.None => NoneType.Instance,
        IValueTag.Int => IntType.Instance,
        IValueTag.Double => FloatType.Instance,
        IValueTag.Bool => BoolType.Instance,
        IValueTag.String => StringType.Instance,
        IValueTag.Device => DeviceObjType.Instance,
        IValueTag.Tensor => TensorType.FromTensor(v.AsTensor),
        IValueTag.List => new ListType(v.AsList.ElementType),
        IValueTag.Tuple => new TupleType(v.AsTuple.Items.Select(ConstantType).ToArray()),
        IValueTag.Dict => new DictType(v.AsDict.KeyType, v.AsDict.ValueType),
        IValueTag.Object => v.AsObject.Type,
        _ => AnyType.Instance,
    };

    private JitType TypeAt(int index, int pc)
    {
        if ((uint)index >= (uint)_fn.Types.Count)
            throw Error(pc, $"type index {index} is out of range (the function has {_fn.Types.Count} types)");
        return _types.Parse(_fn.Types[index]);
    }

    private Node Emit(Block block, string kind, IEnumerable<Value> inputs, params JitType[] outputTypes)
    {
        _values += outputTypes.Length;
        if (_values > BaseValueBudget + 16L * _fn.Instructions.Count)
            throw new JitFormatException($"bytecode of {_fn.QualifiedName} creates more than {BaseValueBudget + 16L * _fn.Instructions.Count} graph values (limit)");
        var node = _graph.Create(kind, inputs, outputTypes.Length);
        for (int i = 0; i < outputTypes.Length; i++) node.Outputs[i].Type = outputTypes[i];
        return block.AppendNode(node);
    }
}
