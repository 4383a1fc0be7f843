using Jit.Ir;
using Jit.Ir.Text;
using Jit.Runtime;
using Jit.Tensors;
using Xunit;
using Attribute = Jit.Ir.Attribute;

namespace Jit.Tests.Ir;

public sealed class IrPrinterTests
{
    [Fact]
    public void AttributesOfEveryKindPrintAsPyTorchDoes()
    {
        // Expected text is the foo::bar line PyTorch 1.13 printed in fixtures/ir/attribute_kinds.ir.
        string fixture = File.ReadAllText(Path.Combine(IrRoundTripTests.FixtureRoot, "ir", "attribute_kinds.ir"));
        string expected = fixture.Split('\n').Single(l => l.Contains("foo::bar", StringComparison.Ordinal)).Trim();

        var g = new Graph();
        var n = g.InsertNode("foo::bar");
        n.SetAttribute("alpha", Attribute.Of(1.0));
        n.SetAttribute("beta", Attribute.Of(0.1));
        n.SetAttribute("gamma", Attribute.Of(-1.5e-12));
        n.SetAttribute("k", Attribute.Of(-3L));
        n.SetAttribute("str", Attribute.Of("a\"b"));
        n.SetAttribute("ints", Attribute.Of(new long[] { 1, 2 }));
        n.SetAttribute("floats", Attribute.Of(new[] { 1.0, 0.5 }));
        n.SetAttribute("strs", Attribute.Of(new[] { "a", "b" }));
        n.SetAttribute("scalar", Attribute.Of(Tensor.FromArray(new[] { 3.0f }, 1)));
        n.SetAttribute("big", Attribute.Of(Tensor.Zeros(DType.Float32, 20)));
        n.SetAttribute("matrix", Attribute.Of(Tensor.FromArray(new long[] { 1, 2, 3, 4 }, 2, 2)));
        n.SetAttribute("wide", Attribute.Of(Tensor.FromArray(new[] { 1.5f, 1e9f }, 2)));
        n.SetAttribute("scaled", Attribute.Of(Tensor.FromArray(new[] { 0.001f, 0.002f }, 2)));
        n.SetAttribute("cube", Attribute.Of(Tensor.FromArray(new[] { 1.25f, 2, 3, 4, 5, 6, 7, 8 }, 2, 2, 2)));
        n.SetAttribute("tensors", new Attribute(AttributeKind.Tensors, new[] { Tensor.Zeros(DType.Float32, 1) }));
        n.Output().Id = 6;
        Assert.Equal(expected, IrPrinter.PrintNode(n));
    }

    [Theory]
    [InlineData(1.0, "1.")]
    [InlineData(-0.0, "-0.")]
    [InlineData(2.5, "2.5")]
    [InlineData(0.1, "0.10000000000000001")]
    [InlineData(1e20, "1e+20")]
    [InlineData(-3.0e-8, "-2.9999999999999997e-08")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(1e10, "10000000000")]
    public void FloatConstantsPrintAsIValueRepr(double value, string expected)
    {
        var g = new Graph();
        var n = g.InsertNode("prim::Constant").SetAttribute("value", Attribute.Of(value));
        n.Output().SetType(FloatType.Instance);
        Assert.Equal($"%0 : float = prim::Constant[value={expected}]()", IrPrinter.PrintNode(n));
    }

    [Fact]
    public void StringsAreEscapedAsPrintQuotedStringDoes()
    {
        var g = new Graph();
        var n = g.InsertNode("prim::Constant").SetAttribute("value", Attribute.Of("é\n\u0001z\\'"));
        Assert.Contains(@"[value=""\0)+\/.)\n\001z\\\'""]", IrPrinter.PrintNode(n), StringComparison.Ordinal);
        var back = Graph.Parse(IrPrinter.Print(g));
        Assert.Equal("é\n\u0001z\\'", back.Nodes.Single().StringAttr("value"));
    }

    [Fact]
    public void NestedBlocksAreIndentedAndSourceRangesOptional()
    {
        var g = new Graph();
        var x = g.AddInput("x", TensorType.Unknown);
        var cond = g.AddInput("c", BoolType.Instance);
        var ifNode = g.InsertNode("prim::If", [cond], 1);
        ifNode.SourceRange = new SourceRange("m.py", 3, 4);
        var thenBlock = ifNode.AddBlock();
        var elseBlock = ifNode.AddBlock();
        using (g.InsertPointAt(thenBlock))
        {
            var relu = g.InsertNode("aten::relu", [x]);
            thenBlock.RegisterOutput(relu.Output().SetDebugName("y"));
        }
        elseBlock.RegisterOutput(x);
        g.RegisterOutput(ifNode.Output());
        string expected = """
            graph(%x : Tensor,
                  %c : bool):
              %2 : Tensor = prim::If(%c) # m.py:3:4
                block0():
                  %y : Tensor = aten::relu(%x)
                  -> (%y)
                block1():
                  -> (%x)
              return (%2)

            """.Replace("\r\n", "\n", StringComparison.Ordinal);
        Assert.Equal(expected, IrPrinter.Print(g));
        Assert.DoesNotContain("m.py", IrPrinter.Print(g, printSourceRanges: false), StringComparison.Ordinal);
        g.Lint();
    }

    [Fact]
    public void TupleAndListConstantsPrintAsRepr()
    {
        var g = new Graph();
        var tuple = IValue.FromTuple("a", 1L, 2.0, IValue.None, IValue.FromList(new IValueList(IntType.Instance, [1L, 2L])), true);
        var n = g.InsertNode("prim::Constant").SetAttribute("value", Attribute.Of(tuple));
        Assert.Contains("[value=(\"a\", 1, 2., None, [1, 2], True)]", IrPrinter.PrintNode(n), StringComparison.Ordinal);
        var single = g.InsertNode("prim::Constant").SetAttribute("value", Attribute.Of(IValue.FromTuple(1L)));
        Assert.Contains("[value=(1,)]", IrPrinter.PrintNode(single), StringComparison.Ordinal);
    }

    [Fact]
    public void PrintedTensorConstantsRefuseEvaluation()
    {
        var g = Graph.Parse("""
            graph():
              %0 : Float(4, 4, strides=[4, 1], requires_grad=0, device=cpu) = prim::Constant[value=<Tensor>]()
              %1 : Float(2, strides=[1], requires_grad=0, device=cpu) = prim::Constant[value= 1.5000 -2.0000 [ CPUFloatType{2} ]]()
              %2 : Float(requires_grad=0, device=cpu) = prim::Constant[value={2.5}]()
              return (%0, %1, %2)

            """);
        var nodes = g.Nodes.ToList();
        var e = Assert.Throws<Jit.Errors.JitIrException>(() => nodes[0].GetAttribute("value")!.AsTensor());
        Assert.Contains("<Tensor>", e.Message, StringComparison.Ordinal);
        Assert.Throws<Jit.Errors.JitIrException>(() => nodes[1].GetAttribute("value")!.AsTensor());
        var scalar = nodes[2].GetAttribute("value")!.AsTensor();
        Assert.Equal(DType.Float32, scalar.DType);
        Assert.Equal(0, scalar.Rank);
        Assert.Equal(2.5, scalar.GetDouble(0));
    }
}
