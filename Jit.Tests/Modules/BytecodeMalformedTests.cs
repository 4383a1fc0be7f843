using Jit.Errors;
using Jit.Frontend.Bytecode;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Jit.Serialization.Ptmf;
using Xunit;
using static Jit.Tests.Modules.MalformedModuleFiles;
using Op = Jit.Serialization.Ptmf.BytecodeOpCode;

namespace Jit.Tests.Modules;

/// <summary>
/// Bytecode that reaches BytecodeToGraph malformed: always a JitFormatException naming the method and
/// the instruction; never IndexOutOfRange, NullReference, InvalidCast, a stack overflow, a hang, or
/// an allocation the function's size does not account for.
/// </summary>
public class BytecodeMalformedTests
{
    private const string Method = "__torch__.M.forward";

    private static readonly PtmfOperator[] Relu = [new("aten::relu", "", 1)];

    // forward(self, x) = relu(x): STOREN 1 2 puts self in register 1 and x in register 2.
    private static readonly PtmfInstruction[] Prologue = [I(Op.STOREN, 1, 2)];

    /// <summary>Loads a module with this forward and builds its graph: the error it gives.</summary>
    private static JitFormatException GraphError(IReadOnlyList<PtmfInstruction> code, int registers = 2, IReadOnlyList<string>? types = null)
    {
        var m = JitModule.Load(ModuleWithCode(code, Relu, registers, types));
        var ex = Assert.Throws<JitFormatException>(() => m.MethodGraph("forward"));
        Assert.Contains(Method, ex.Message);
        return ex;
    }

    private static PtmfInstruction[] Code(params PtmfInstruction[] body) => [.. Prologue, .. body];

    [Fact]
    public void TheWellFormedVersionBuildsAndRuns()
    {
        var m = JitModule.Load(ModuleWithCode(Code(I(Op.MOVE, 2), I(Op.OP, 0), I(Op.RET)), Relu));
        var x = Jit.Tensors.Tensor.FromArray(new float[] { -1, 2 }, 2);
        Assert.Equal([0.0, 2.0], m.Forward(Cpu, IValue.FromTensor(x)).AsTensor.ToDoubleArray());
    }

    public static TheoryData<string, int, string> BadInstructions => new()
    {
        { "register", 1, "LOAD at instruction 1 of __torch__.M.forward names register 7 but the function has 2" },
        { "register-negative", 1, "names register -1" },
        { "type", 2, "instruction 2: type index 9 is out of range" },
        { "jmp", 1, "instruction 1: a jump that does not close an if or a loop" },
        { "jf-far", 2, "instruction 2: JF offset 100 leaves the enclosing block" },
        { "jf-max", 2, "instruction 2: JF offset 2147483647 leaves" },
        { "jf-zero", 2, "instruction 2: JF offset 0 leaves" },
        { "jf-negative", 2, "instruction 2: JF offset -2 leaves" },
        { "jmp-into-nowhere", 3, "instruction 3: JMP offset 1000 leaves the enclosing block" },
        { "loop-zero", 4, "instruction 4: LOOP exit offset 0 leaves" },
        { "loop-negative", 4, "instruction 4: LOOP exit offset -3 leaves" },
        { "loop-max", 4, "instruction 4: LOOP exit offset 2147483647 leaves" },
        { "loop-no-jmp", 7, "instruction 7: a loop body must end with a jump back to its LOOP" },
        { "underflow", 1, "DROP at instruction 1 of __torch__.M.forward pops an empty stack" },
        { "underflow-op", 1, "OP at instruction 1 of __torch__.M.forward needs 1 stack values but the stack holds 0" },
        { "no-ret", 3, "instruction 3: the function ends without RET" },
        { "unpack-huge", 2, "instruction 2: LIST_UNPACK of 2147483647 values" },
        { "unpack-negative", 2, "instruction 2: LIST_UNPACK of -5 values" },
        { "isinstance-huge", 2, "instruction 2: ISINSTANCE types [2147483647, 2147483652) are out of range" },
        { "unknown-opcode", 1, "instruction 1: opcode 120 is not supported" },
    };

    private static PtmfInstruction[] BadCode(string name) => name switch
    {
        "register" => Code(I(Op.LOAD, 7), I(Op.RET)),
        "register-negative" => Code(I(Op.LOAD, -1), I(Op.RET)),
        "type" => Code(I(Op.LOAD, 2), I(Op.LIST_CONSTRUCT, 9, 1), I(Op.RET)),
        "jmp" => Code(I(Op.JMP, 1), I(Op.LOAD, 2), I(Op.RET)),
        "jf-far" => Code(I(Op.LOADC, 0), I(Op.JF, 100), I(Op.LOAD, 2), I(Op.RET)),
        "jf-max" => Code(I(Op.LOADC, 0), I(Op.JF, int.MaxValue), I(Op.LOAD, 2), I(Op.RET)),
        "jf-zero" => Code(I(Op.LOADC, 0), I(Op.JF, 0), I(Op.LOAD, 2), I(Op.RET)),
        "jf-negative" => Code(I(Op.LOADC, 0), I(Op.JF, -2), I(Op.LOAD, 2), I(Op.RET)),
        "jmp-into-nowhere" => Code(I(Op.LOADC, 0), I(Op.JF, 2), I(Op.JMP, 1000), I(Op.LOAD, 2), I(Op.RET)),
        // LOOP wants: trip counter, max trips, condition on the stack.
        "loop-zero" => Code(I(Op.LOADC, 0), I(Op.LOADC, 0), I(Op.LOADC, 0), I(Op.LOOP, 0, 2), I(Op.LOAD, 2), I(Op.RET)),
        "loop-negative" => Code(I(Op.LOADC, 0), I(Op.LOADC, 0), I(Op.LOADC, 0), I(Op.LOOP, -3, 2), I(Op.LOAD, 2), I(Op.RET)),
        "loop-max" => Code(I(Op.LOADC, 0), I(Op.LOADC, 0), I(Op.LOADC, 0), I(Op.LOOP, int.MaxValue, 2), I(Op.LOAD, 2), I(Op.RET)),
        "loop-no-jmp" => Code(I(Op.LOADC, 0), I(Op.LOADC, 0), I(Op.LOADC, 0), I(Op.LOAD, 2), I(Op.LOOP, 3, 2), I(Op.LOADC, 0), I(Op.DROP), I(Op.RET)),
        "underflow" => Code(I(Op.DROP), I(Op.DROP), I(Op.DROP), I(Op.RET)),
        "underflow-op" => Code(I(Op.OP, 0), I(Op.RET)),
        "no-ret" => Code(I(Op.LOAD, 2), I(Op.OP, 0)),
        "unpack-huge" => Code(I(Op.LOAD, 2), I(Op.LIST_UNPACK, int.MaxValue), I(Op.RET)),
        "unpack-negative" => Code(I(Op.LOAD, 2), I(Op.LIST_UNPACK, -5), I(Op.RET)),
        "isinstance-huge" => Code(I(Op.LOAD, 2), I(Op.ISINSTANCE, int.MaxValue, 5), I(Op.RET)),
        "unknown-opcode" => Code(new PtmfInstruction(120, 0, 0), I(Op.RET)),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(BadInstructions))]
    public void BadInstructionIsAFormatErrorNamingMethodAndInstruction(string name, int pc, string message)
    {
        var ex = GraphError(BadCode(name));
        Assert.Contains(message, ex.Message);
        Assert.Contains($"instruction {pc}", ex.Message);
    }

    [Fact]
    public void OperatorAndConstantIndicesAreCheckedWhenTheFileLoads()
    {
        var op = Assert.Throws<JitFormatException>(() => JitModule.Load(ModuleWithCode(Code(I(Op.LOAD, 2), I(Op.OP, 5), I(Op.RET)), Relu)));
        Assert.Contains($"{Method} instruction 2 (OP) operator = 5 is out of range (count 1)", op.Message);
        var c = Assert.Throws<JitFormatException>(() => JitModule.Load(ModuleWithCode(Code(I(Op.LOADC, -1), I(Op.RET)), Relu)));
        Assert.Contains($"{Method} instruction 1 (LOADC) constant = 4294967295 is out of range (count 1)", c.Message);
        Assert.True(op.ByteOffset > 0 && c.ByteOffset > 0);
    }

    private static BytecodeFunction Function(IReadOnlyList<Instruction> code, int registers = 1, params BytecodeArgument[] args) =>
        new("f", code, [new BytecodeOperator("aten::relu", "", 1)], [IValue.FromInt(1)], ["int"], registers,
            args.Length == 0 ? [new BytecodeArgument("x", "Tensor")] : args, [new BytecodeArgument("", "Tensor")]);

    private static JitFormatException ConvertError(BytecodeFunction fn)
    {
        var ex = Assert.Throws<JitFormatException>(() => BytecodeToGraph.Convert(fn, _ => null));
        Assert.Contains("while loading method f", ex.Message);
        return ex;
    }

    [Fact]
    public void OperatorAndConstantIndicesAreCheckedInTheGraphBuilderToo()
    {
        // A BytecodeFunction need not come from a verified file.
        Assert.Contains("instruction 1: operator index 3 is out of range", ConvertError(Function([new(Op.STORE, 1, 0), new(Op.OP, 3, 0), new(Op.RET, 0, 0)])).Message);
        Assert.Contains("instruction 0: constant index -4 is out of range", ConvertError(Function([new(Op.LOADC, -4, 0), new(Op.RET, 0, 0)])).Message);
    }

    [Fact]
    public void DeeplyNestedIfsAreAnErrorNotAStackOverflow()
    {
        // 100,000 ifs, each the then-branch of the one before: recursion would overflow the stack.
        const int n = 100_000;
        var code = new List<Instruction> { new(Op.STORE, 1, 0) };
        for (int i = 0; i < n; i++)
        {
            code.Add(new(Op.LOADC, 0, 0));
            code.Add(new(Op.JF, 2 * (n - i) - 1, 0)); // to just before the final LOAD
        }
        code.Add(new(Op.LOAD, 1, 0));
        code.Add(new(Op.RET, 0, 0));
        Assert.Contains("control flow nested more than 256 deep", ConvertError(Function(code)).Message);
    }

    [Fact]
    public void HugeRegisterFilesCopiedAtEveryBranchHitTheBudget()
    {
        // One store into register 1,000,000 makes every if copy a million registers twice.
        var code = new List<Instruction> { new(Op.STORE, 1, 0), new(Op.LOAD, 1, 0), new(Op.STORE, 1_000_000, 0) };
        for (int i = 0; i < 100; i++)
        {
            code.Add(new(Op.LOADC, 0, 0));
            code.Add(new(Op.JF, 1, 0));
        }
        code.Add(new(Op.LOAD, 1, 0));
        code.Add(new(Op.RET, 0, 0));
        Assert.Contains("copies more than 16777216 register and stack slots", ConvertError(Function(code, 1_000_000)).Message);
    }

    [Fact]
    public void RegisterSizeIsBoundedAndAnUnusedOneAllocatesNothing()
    {
        Assert.Contains("register_size 2000000000 is out of range", ConvertError(Function([new(Op.RET, 0, 0)], 2_000_000_000)).Message);
        Assert.Contains("register_size -1 is out of range", ConvertError(Function([new(Op.RET, 0, 0)], -1)).Message);
        long before = GC.GetAllocatedBytesForCurrentThread();
        BytecodeToGraph.Convert(Function([new(Op.STORE, 1, 0), new(Op.LOAD, 1, 0), new(Op.RET, 0, 0)], 1 << 20), _ => null);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "a register_size of 2^20 that the code never uses was allocated");
    }

    [Fact]
    public void GraphValuesAreBoundedByTheCodeSize()
    {
        // Each LIST_UNPACK 65535 / TUPLE_CONSTRUCT 65535 pair makes 65,536 values from 16 bytes of code.
        var code = new List<Instruction> { new(Op.STORE, 1, 0) };
        for (int i = 0; i < 10; i++)
        {
            code.Add(new(Op.LOAD, 1, 0));
            code.Add(new(Op.LIST_UNPACK, 65535, 0));
            code.Add(new(Op.TUPLE_CONSTRUCT, 65535, 0));
            code.Add(new(Op.DROP, 0, 0));
        }
        code.Add(new(Op.LOAD, 1, 0));
        code.Add(new(Op.RET, 0, 0));
        var ex = ConvertError(Function(code, 1, new BytecodeArgument("x", "List[int]")));
        Assert.Contains("graph values (limit)", ex.Message);
    }

    [Fact]
    public void WellNestedIfsWithinTheLimitBuild()
    {
        const int n = 200;
        var code = new List<Instruction> { new(Op.STORE, 1, 0) };
        for (int i = 0; i < n; i++)
        {
            code.Add(new(Op.LOADC, 0, 0));
            code.Add(new(Op.JF, 2 * (n - i) - 1, 0));
        }
        code.Add(new(Op.LOAD, 1, 0));
        code.Add(new(Op.RET, 0, 0));
        var g = BytecodeToGraph.Convert(Function([.. code.Take(code.Count - 2), new(Op.LOAD, 1, 0), new(Op.RET, 0, 0)]), _ => null);
        Assert.Single(g.Outputs);
        Assert.IsType<TensorType>(g.Outputs[0].Type, exactMatch: false);
    }
}
