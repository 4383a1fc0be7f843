using Jit.Errors;
using Jit.Modules;
using Jit.Runtime;
using Jit.Serialization.Ptmf;
using Jit.Tests.Static;
using Xunit;
using static Jit.Tests.Modules.MalformedModuleFiles;
using Op = Jit.Serialization.Ptmf.BytecodeOpCode;

namespace Jit.Tests.Modules;

/// <summary>
/// Well-formed bytecode shapes real models produce that the loader must type from what the file
/// says: early returns (prim::Uninitialized placeholders), and operators the registry lacks on a
/// path a run may never take.
/// </summary>
public class BytecodeLoaderTests
{
    // Constants: 0 the int 1, 1 true, 2 false. forward(self, x): STOREN 1 2 puts x in register 2.
    private static readonly bool[] Bools = [true, false];
    private const int True = 1, False = 2;

    private static IValue X => IValue.FromTensor(Jit.Tensors.Tensor.FromArray(new float[] { -1, 2 }, 2));

    /// <summary>
    /// MultiheadAttention's early returns, as TorchScript's exit transform leaves them: one branch
    /// makes the tuple, the other an untyped UN_INITIALIZED placeholder; the tuple unpacked after
    /// the if needs the if's result to be a tuple of two, not Any.
    /// </summary>
    [Fact]
    public void AnEarlyReturnsPlaceholderTakesTheOtherBranchsTupleType()
    {
        PtmfOperator[] ops = [new("aten::relu", "", 1), new("prim::TupleUnpack", "", 1)];
        PtmfInstruction[] code =
        [
            I(Op.STOREN, 1, 2),
            I(Op.LOADC, True),
            I(Op.JF, 5),
            I(Op.LOAD, 2), I(Op.LOAD, 2), I(Op.TUPLE_CONSTRUCT, 2), I(Op.JMP, 2),
            I(Op.UN_INITIALIZED),
            I(Op.OP, 1), I(Op.DROP),
            I(Op.OP, 0), I(Op.RET),
        ];
        var m = JitModule.Load(ModuleWithCode(code, ops, bools: Bools));
        var unpack = m.MethodGraph("forward").AllNodes().Single(n => n.Kind == "prim::TupleUnpack");
        Assert.Equal(2, unpack.Outputs.Count);
        Assert.Equal([0.0, 2.0], m.Forward(Cpu, X).AsTensor.ToDoubleArray());
    }

    /// <summary>
    /// forward(x) = relu(cond ? aten::no_such_op(x) : x): the unknown op does not stop the module
    /// from loading; a run that does not reach it works, one that does throws a JitSchemaException
    /// naming it, on the reference interpreter and on the static runtime alike.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnUnknownOperatorFailsOnlyWhenItRuns(bool reached)
    {
        PtmfOperator[] ops = [new("aten::relu", "", 1), new("aten::no_such_op", "", 1)];
        PtmfInstruction[] code =
        [
            I(Op.STOREN, 1, 2),
            I(Op.LOADC, reached ? True : False),
            I(Op.JF, 4),
            I(Op.LOAD, 2), I(Op.OP, 1), I(Op.JMP, 2),
            I(Op.LOAD, 2),
            I(Op.OP, 0), I(Op.RET),
        ];
        var m = JitModule.Load(ModuleWithCode(code, ops, bools: Bools));
        using var compiled = StaticFixtureTests.Compile(m);
        if (!reached)
        {
            Assert.Equal([0.0, 2.0], m.Forward(Cpu, X).AsTensor.ToDoubleArray());
            Assert.Equal([0.0, 2.0], compiled.Forward(X).AsTensor.ToDoubleArray());
            return;
        }
        foreach (var run in new Action[] { () => m.Forward(Cpu, X), () => compiled.Forward(X) })
        {
            var ex = Assert.Throws<JitSchemaException>(run);
            Assert.Contains("operator aten::no_such_op (operator table entry 1) is not supported", ex.Message);
        }
    }

    /// <summary>The unknown op's results are counted from the STOREN that stores them.</summary>
    [Fact]
    public void AnUnknownOperatorsResultsAreCountedFromTheStoreAfterIt()
    {
        PtmfOperator[] ops = [new("aten::relu", "", 1), new("aten::no_such_pair", "", 1)];
        PtmfInstruction[] code =
        [
            I(Op.STOREN, 1, 2),
            I(Op.LOADC, False),
            I(Op.JF, 5),
            I(Op.LOAD, 2), I(Op.OP, 1), I(Op.STOREN, 3, 2), I(Op.JMP, 1),
            I(Op.MOVE, 2),
            I(Op.OP, 0), I(Op.RET),
        ];
        var m = JitModule.Load(ModuleWithCode(code, ops, registers: 4, bools: Bools));
        var unsupported = m.MethodGraph("forward").AllNodes().Single(n => n.Kind == "prim::UnsupportedOp");
        Assert.Equal(2, unsupported.Outputs.Count);
        Assert.Equal([0.0, 2.0], m.Forward(Cpu, X).AsTensor.ToDoubleArray());
    }
}
