using Jit.Errors;
using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;
using Jit.Runtime.Host;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Ops;

public sealed class OpRegistryTests
{
    private static readonly OpRegistry Reg = OpRegistry.Default;

    [Fact]
    public void LooksUpByNameAndOverload()
    {
        var adds = Reg.Overloads("aten::add").Select(o => o.Schema.QualifiedOverloadName).ToList();
        Assert.Equal("aten::add.Tensor", adds[0]);
        Assert.Contains("aten::add.int", adds);
        Assert.Contains("aten::add.t", adds);
        Assert.Equal("aten::relu(Tensor self) -> Tensor", Reg.Get("aten::relu").Schema.ToString());
        Assert.Null(Reg.Find("aten::no_such_op"));
        Assert.Empty(Reg.Overloads("aten::no_such_op"));
        var e = Assert.Throws<JitSchemaException>(() => Reg.Get("aten::add.NoSuch"));
        Assert.Contains("aten::add.Tensor", e.Message);
    }

    [Fact]
    public void EveryOpWithTensorOutputsHasADTypeRuleAndAShapeFunction()
    {
        var missing = Reg.All.Where(o => o.HasTensorOutputs && (o.DType is null || o.Shape is null)).Select(o => o.Schema.ToString()).ToList();
        Assert.True(missing.Count == 0, "no dtype rule or shape function:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void EveryHostKernelHasASchema()
    {
        var missing = HostKernels.Table.Names.Where(n => Reg.Find(n) is null).ToList();
        Assert.True(missing.Count == 0, "host kernels without a schema: " + string.Join(", ", missing));
    }

    [Fact]
    public void FlagsComeFromTheSchemaAndTheTable()
    {
        Assert.True(Reg.Get("aten::add_.Tensor").MutatesInputs);
        Assert.True(Reg.Get("aten::append.t").MutatesInputs);
        Assert.False(Reg.Get("aten::add.Tensor").MutatesInputs);
        Assert.True(Reg.Get("aten::dropout").IsNondeterministic);
        Assert.True(Reg.Get("aten::rand").IsNondeterministic);
        Assert.True(Reg.Get("aten::warn").HasSideEffects);
        Assert.True(Reg.Get("prim::RaiseException").HasSideEffects);
        Assert.Equal(OpKind.View, Reg.Get("aten::view").Kind);
        Assert.Equal(OpKind.Extern, Reg.Get("aten::conv2d").Kind);
        Assert.Equal(OpKind.Prim, Reg.Get("prim::If").Kind);
        Assert.Equal(OpKind.Host, Reg.Get("aten::len.t").Kind);
        Assert.Equal(OpKind.Extern, Reg.Get("aten::_native_multi_head_attention").Kind);
    }

    [Fact]
    public void DescribeIsSortedOneLinePerOverload()
    {
        var lines = Reg.Describe();
        Assert.Equal(Reg.All.Count, lines.Count);
        Assert.Equal(lines.OrderBy(l => l, StringComparer.Ordinal), lines);
        Assert.Contains("aten::add_.Tensor(Tensor(a!) self, Tensor other, *, Scalar alpha=1) -> Tensor(a!)  [elementwise, mutates]", lines);
        Assert.Contains("aten::dropout(Tensor input, float p, bool train) -> Tensor  [elementwise, nondeterministic]", lines);
        Assert.Equal(lines, Reg.Describe());
    }

    // ---- resolution for graph nodes ----

    private static Node Call(string kind, params JitType[] inputTypes)
    {
        var g = new Graph();
        var inputs = inputTypes.Select((t, i) => g.AddInput("x" + i, t)).ToList();
        return g.InsertNode(kind, inputs);
    }

    private static readonly TensorType F23 = TensorType.Create(DType.Float32, [2, 3]);

    [Theory]
    [InlineData("aten::add", "aten::add.Tensor", "T,T,int")]
    [InlineData("aten::add", "aten::add.Scalar", "T,int,int")]
    [InlineData("aten::add", "aten::add.Scalar", "T,float,int")]
    [InlineData("aten::add", "aten::add.int", "int,int")]
    [InlineData("aten::add", "aten::add.float", "float,float")]
    [InlineData("aten::add", "aten::add.int_float", "int,float")]
    [InlineData("aten::add", "aten::add.t", "int[],int[]")]
    [InlineData("aten::add", "aten::add.str", "str,str")]
    [InlineData("aten::add", "aten::add", "Scalar,Scalar")]
    [InlineData("aten::eq", "aten::eq.int", "int,int")]
    [InlineData("aten::eq", "aten::eq.str", "str,str")]
    [InlineData("aten::eq", "aten::eq.Tensor", "T,T")]
    [InlineData("aten::eq", "aten::eq.Scalar", "T,int")]
    [InlineData("aten::__getitem__", "aten::__getitem__.t", "Tensor[],int")]
    [InlineData("aten::len", "aten::len.t", "int[]")]
    [InlineData("aten::len", "aten::len.Tensor", "T")]
    [InlineData("aten::size", "aten::size.int", "T,int")]
    [InlineData("aten::size", "aten::size", "T")]
    [InlineData("aten::sum", "aten::sum.dim_IntList", "T,int[],bool,None")]
    [InlineData("aten::sum", "aten::sum", "T,None")]
    [InlineData("aten::sum", "aten::sum.int", "int[]")]
    [InlineData("aten::clamp", "aten::clamp", "T,None,float")]
    [InlineData("aten::clamp", "aten::clamp.Tensor", "T,T,None")]
    [InlineData("aten::where", "aten::where.ScalarOther", "T,T,float")]
    [InlineData("aten::to", "aten::to.dtype", "T,int,bool,bool,None")]
    [InlineData("aten::to", "aten::to.other", "T,T,bool,bool,None")]
    [InlineData("aten::div", "aten::div.Tensor_mode", "T,T,str")]
    [InlineData("aten::div", "aten::div.Tensor_mode", "T,T,None")]
    [InlineData("aten::cat", "aten::cat", "Tensor[],int")]
    [InlineData("aten::format", "aten::format", "str,int,T,float")]
    [InlineData("prim::ListConstruct", "prim::ListConstruct", "T,T")]
    [InlineData("aten::append", "aten::append.t", "int[],int")]
    [InlineData("aten::__contains__", "aten::__contains__.str_list", "str[],str")]
    [InlineData("aten::Int", "aten::Int.Tensor", "T")]
    [InlineData("aten::Float", "aten::Float.Scalar", "Scalar")]
    [InlineData("aten::pow", "aten::pow.int_float", "int,float")]
    [InlineData("aten::mul", "aten::mul.float_int", "float,int")]
    public void ResolvesNodesLikePyTorch(string kind, string expected, string types)
    {
        var node = Call(kind, types.Split(',').Select(ParseType).ToArray());
        Assert.Equal(expected, node.Schema.QualifiedOverloadName);
    }

    private static JitType ParseType(string s) => s switch
    {
        "T" => F23,
        "Tensor[]" => ListType.OfTensors,
        "int" => IntType.Instance,
        "float" => FloatType.Instance,
        "bool" => BoolType.Instance,
        "str" => StringType.Instance,
        "None" => NoneType.Instance,
        "Scalar" => NumberType.Instance,
        "int[]" => ListType.OfInts,
        "str[]" => new ListType(StringType.Instance),
        _ => throw new ArgumentException(s),
    };

    [Fact]
    public void IntIsAcceptedAsFloatWhenNothingMatchesStrictly()
    {
        // dropout's p is a float; a graph may carry an int there. PyTorch's Node::matches would
        // refuse it; we accept it only after no overload matched strictly.
        var node = Call("aten::dropout", F23, IntType.Instance, BoolType.Instance);
        Assert.Equal("aten::dropout", node.Schema.QualifiedOverloadName);
    }

    [Fact]
    public void UnknownOpIsASchemaErrorNamingTheNode()
    {
        var node = Call("aten::frobnicate", F23);
        var e = Assert.Throws<JitSchemaException>(() => node.Schema);
        Assert.Contains("aten::frobnicate", e.Message);
    }

    [Fact]
    public void NoMatchingOverloadListsTypesAndCandidates()
    {
        var node = Call("aten::relu", IntType.Instance);
        var e = Assert.Throws<JitSchemaException>(() => node.Schema);
        Assert.Contains("(int)", e.Message);
        Assert.Contains("aten::relu(Tensor self) -> Tensor", e.Message);
        Assert.Throws<JitSchemaException>(() => Call("aten::add", F23).Schema);
        Assert.Throws<JitSchemaException>(() => Call("aten::add", StringType.Instance, IntType.Instance).Schema);
    }

    [Fact]
    public void TypeVariablesMustAgree()
    {
        Assert.Throws<JitSchemaException>(() => Call("aten::append", ListType.OfInts, StringType.Instance).Schema);
        Assert.Equal("aten::append.t", Call("aten::append", ListType.OfTensors, F23).Schema.QualifiedOverloadName);
    }

    [Fact]
    public void InferOutputTypesOfANode()
    {
        var g = new Graph();
        var x = g.AddInput("x", F23);
        var y = g.AddInput("y", TensorType.Create(DType.Int64, [3]));
        var one = g.InsertNode("prim::Constant", null);
        one.SetAttribute("value", Jit.Ir.Attribute.Of(1L));
        one.Output().Type = IntType.Instance;
        var add = g.InsertNode("aten::add", [x, y, one.Output()]);
        var t = Assert.IsType<TensorType>(add.InferOutputTypes()[0]);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal([2L, 3L], t.ConcreteSizes!);
    }

    // ---- resolution for bytecode ----

    [Fact]
    public void BytecodeResolutionFillsDefaults()
    {
        var op = Reg.ResolveBytecode("aten::add", "Tensor", 2);
        Assert.Equal("aten::add.Tensor", op.Schema.QualifiedOverloadName);
        var t = IValue.FromInt(7);
        var filled = OpRegistry.FillDefaults(op.Schema, [t, t]);
        Assert.Equal(3, filled.Length);
        Assert.Equal(1L, filled[2].AsInt);

        var conv = Reg.ResolveBytecode("aten::conv2d", "", 3);
        var args = OpRegistry.FillDefaults(conv.Schema, [t, t, IValue.None]);
        Assert.Equal(7, args.Length);
        Assert.Equal("[1, 1]", args[3].ToString());
        Assert.Equal(1L, args[6].AsInt);
    }

    [Fact]
    public void BytecodeOutArgumentsStayLast()
    {
        var schema = FunctionSchema.Parse("aten::add.out(Tensor self, Tensor other, *, Scalar alpha=1, Tensor(a!) out) -> Tensor(a!)");
        var filled = OpRegistry.FillDefaults(schema, [IValue.FromInt(1), IValue.FromInt(2), IValue.FromString("out")]);
        Assert.Equal(["1", "2", "1", "out"], filled.Select(v => v.ToString()));
    }

    [Fact]
    public void BytecodeErrors()
    {
        Assert.Throws<JitSchemaException>(() => Reg.ResolveBytecode("aten::frobnicate", "", 1));
        Assert.Throws<JitSchemaException>(() => Reg.ResolveBytecode("aten::add", "Tensor", 5));
        Assert.Throws<JitSchemaException>(() => Reg.ResolveBytecode("aten::add", "Tensor", 1));
        Assert.Equal("aten::format", Reg.ResolveBytecode("aten::format", "", 4).Schema.QualifiedOverloadName);
        Assert.Equal(Reg.Get("aten::relu").Schema, Reg.FindOverload("aten::relu"));
    }
}
