using Jit.Errors;
using Jit.Ir;
using Jit.Ir.Text;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Ir;

public sealed class IrParserTests
{
    [Theory]
    [InlineData("Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu)")]
    [InlineData("Float(*, 3)")]
    [InlineData("Long(SS(-2), 4)")]
    [InlineData("Double()")]
    [InlineData("Float")]
    [InlineData("Tensor")]
    [InlineData("Tensor(requires_grad=1)")]
    [InlineData("int[]")]
    [InlineData("Tensor?")]
    [InlineData("Tensor[]?")]
    [InlineData("(Tensor, int)")]
    [InlineData("(int)")]
    [InlineData("(Tensor, (str, int[]), Device)")]
    [InlineData("Dict(str, Tensor)")]
    [InlineData("NoneType")]
    [InlineData("Device")]
    [InlineData("Scalar")]
    [InlineData("Union(int, str)")]
    [InlineData("NamedTuple(a : int, b : Tensor)")]
    [InlineData("__torch__.Foo")]
    [InlineData("__torch__.torch.nn.modules.linear.Linear")]
    [InlineData("Future(int)")]
    [InlineData("Enum<__torch__.Color>")]
    public void TypesRoundTrip(string type)
    {
        string text = $"graph(%x : {type}):\n  return (%x)\n";
        var g = Graph.Parse(text);
        Assert.Equal(type, g.Inputs[0].Type.ToString());
        Assert.Equal(text, IrPrinter.Print(g));
    }

    [Fact]
    public void TensorTypeRefinementsAreParsed()
    {
        var g = Graph.Parse("graph(%x : Float(2, *, SS(-3), requires_grad=0, device=cpu)):\n  return (%x)\n");
        var t = Assert.IsType<TensorType>(g.Inputs[0].Type);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal([ShapeSymbol.Static(2), null, ShapeSymbol.Symbol(3)], t.Sizes!);
        Assert.False(t.RequiresGrad);
        Assert.Equal(Jit.Runtime.Device.Cpu, t.Device);
        Assert.IsType<ClassType>(Graph.Parse("graph(%s : __torch__.M):\n  return (%s)\n").Inputs[0].Type);
    }

    [Fact]
    public void NumericNamesBecomeIdsAndNamedValuesKeepDots()
    {
        var g = Graph.Parse("""
            graph(%x.1 : Tensor):
              %7 : int = prim::Constant[value=1]()
              %y : Tensor = aten::add(%x.1, %x.1, %7) # a/b.py:5:10
              return (%y)

            """);
        var add = g.Nodes.Last();
        Assert.Equal("x.1", g.Inputs[0].DebugName);
        Assert.Equal(7, add.Inputs[2].Id);
        Assert.False(add.Inputs[2].HasDebugName);
        Assert.Equal(new SourceRange("a/b.py", 5, 10), add.SourceRange);
        Assert.Equal(2, g.Inputs[0].Uses.Count);
        // New values never collide with parsed ids.
        Assert.True(g.InsertNode("aten::relu", [add.Output()]).Output().Id > 7);
        g.Lint();
    }

    [Fact]
    public void CommentLinesAndUntypedValuesAreAccepted()
    {
        var g = Graph.Parse("""
            # CHECK: aten::mul
            graph(%a, %b):
              # a comment between nodes
              %c = aten::mul(%a, %b) # not a source range

              return (%c)
            """);
        Assert.Null(g.Nodes.Single().SourceRange);
        Assert.Equal(TensorType.Unknown, g.Outputs[0].Type);
    }

    [Fact]
    public void NodesWithoutOutputsParse()
    {
        string text = "graph(%self : __torch__.M,\n      %v : int):\n   = prim::SetAttr[name=\"n\"](%self, %v)\n  return (%v)\n";
        Assert.Equal(text, IrPrinter.Print(Graph.Parse(text)));
    }

    [Theory]
    [InlineData("graph(%x : Tensor):\n  %y : Tensor = aten::relu(%z)\n  return (%y)\n", 2, 28, "undefined value %z")]
    [InlineData("graph(%x : Tensor):\n  %y : Tensor = aten::relu(%x)\n  return (%y\n", 3, 13, "expected ','")]
    [InlineData("graph(%x : Tensor):\n  %x : Tensor = aten::relu(%x)\n  return (%x)\n", 2, 3, "defined twice")]
    [InlineData("graph(%x : Float(2, -3)):\n  return (%x)\n", 1, 21, "must not be negative")]
    [InlineData("graph(%x : Tensor):\n  %y : Tensor = relu(%x)\n  return (%y)\n", 2, 17, "namespace")]
    [InlineData("graph(%x : Tensor):\n  %y : str = prim::Constant[value=\"abc]()\n  return (%y)\n", 2, 35, "unterminated string")]
    [InlineData("graph(%x : Tensor):\n  %y : Tensor = aten::relu(%x)\n", 3, 1, "expected 'return'")]
    [InlineData("grap(%x : Tensor):\n  return (%x)\n", 1, 1, "expected 'graph('")]
    public void MalformedTextGivesLineAndColumn(string text, int line, int column, string expected)
    {
        var e = Assert.Throws<JitParseException>(() => Graph.Parse(text, "t.ir"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (e.Line, e.Column));
        Assert.StartsWith($"t.ir:{line}:{column}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedFixturesFailOnlyWithJitExceptions()
    {
        foreach (var path in Directory.GetFiles(Path.Combine(IrRoundTripTests.FixtureRoot, "ir"), "*.ir"))
        {
            string text = File.ReadAllText(path);
            int step = Math.Max(1, text.Length / 150);
            for (int length = 0; length < text.Length; length += step)
                ParseExpectingOnlyJitErrors(text[..length]);
        }
    }

    [Fact]
    public void GarbageFailsOnlyWithJitExceptions()
    {
        var random = new Random(1234);
        string sample = File.ReadAllText(Path.Combine(IrRoundTripTests.FixtureRoot, "ir", "control_flow_shapes.ir"));
        const string alphabet = "%:=()[]{}<>,.\"\\#-*?_ \n0123456789abcxyzSSFloatgraphblockreturn->";
        for (int i = 0; i < 1500; i++)
        {
            var chars = sample.ToCharArray();
            int edits = random.Next(1, 8);
            for (int k = 0; k < edits; k++)
                chars[random.Next(chars.Length)] = i % 3 == 0 ? (char)random.Next(0, 256) : alphabet[random.Next(alphabet.Length)];
            ParseExpectingOnlyJitErrors(new string(chars));
        }
        for (int i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            ParseExpectingOnlyJitErrors("graph(" + System.Text.Encoding.Latin1.GetString(bytes));
            ParseExpectingOnlyJitErrors(System.Text.Encoding.Latin1.GetString(bytes));
        }
    }

    [Fact]
    public void DeepNestingIsAnErrorNotAStackOverflow()
    {
        string deep = "graph(%x : " + new string('(', 100_000) + "int" + new string(')', 100_000) + "):\n  return (%x)\n";
        Assert.Throws<JitParseException>(() => Graph.Parse(deep));
    }

    private static void ParseExpectingOnlyJitErrors(string text)
    {
        try
        {
            var g = Graph.Parse(text);
            // Whatever parses must print and lint without crashing (lint may reject it).
            _ = IrPrinter.Print(g);
            try { g.Lint(); } catch (JitIrException) { }
        }
        catch (JitException) { }
    }
}
