using Jit.Ir;
using Jit.Passes;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Passes;

public sealed class ConstantPoolingTests
{
    [Fact]
    public void IdenticalConstantsMergeAndMoveToTheTopFromNestedBlocks()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor,
                  %c : bool):
              %a : int = prim::Constant[value=1]()
              %y : Tensor = aten::add(%x, %x, %a)
              %z : Tensor = prim::If(%c)
                block0():
                  %b : int = prim::Constant[value=1]()
                  %f : float = prim::Constant[value=1.]()
                  %p : Tensor = aten::add(%y, %y, %b)
                  %q : Tensor = aten::mul(%p, %f)
                  -> (%q)
                block1():
                  %l : int[] = prim::Constant[value=[2, 2]]()
                  %l2 : int[] = prim::Constant[value=[2, 2]]()
                  %r : Tensor = aten::view(%y, %l)
                  %s : Tensor = aten::view(%r, %l2)
                  -> (%s)
              return (%z)

            """);
        Assert.True(new ConstantPooling().Run(g));
        g.Lint();
        // Each constant moved to the front in turn: reverse order of first appearance, as PyTorch.
        FileCheck.Run("""
            # CHECK: %l : int[] = prim::Constant[value=[2, 2]]()
            # CHECK-NEXT: %f : float = prim::Constant[value=1.]()
            # CHECK-NEXT: %a : int = prim::Constant[value=1]()
            # CHECK-NEXT: aten::add(%x, %x, %a)
            # CHECK: aten::add(%y, %y, %a)
            # CHECK: aten::mul(%p, %f)
            # CHECK: aten::view(%y, %l)
            # CHECK-NEXT: aten::view(%r, %l)
            """, g);
        Assert.Equal(3, g.AllNodes().Count(n => n.Kind == "prim::Constant"));
    }

    [Fact]
    public void DifferentTypesOrValuesStayApart()
    {
        var g = Graph.Parse("""
            graph():
              %a : int = prim::Constant[value=0]()
              %b : bool = prim::Constant[value=0]()
              %c : float = prim::Constant[value=0.]()
              %d : float = prim::Constant[value=-0.]()
              %e : str = prim::Constant[value="0"]()
              %t : (int, bool, float, float, str) = prim::TupleConstruct(%a, %b, %c, %d, %e)
              return (%t)

            """);
        new ConstantPooling().Run(g);
        g.Lint();
        Assert.Equal(5, g.Nodes.Count(n => n.Kind == "prim::Constant"));
    }

    private static Graph WithTensorConstants(Tensor first, Tensor second, bool returnBoth = false)
    {
        var g = new Graph();
        var x = g.AddInput("x", TensorType.Unknown);
        var c1 = g.InsertNode("prim::Constant");
        Constants.SetValue(c1, IValue.FromTensor(first));
        c1.Output().SetType(TensorType.FromTensor(first));
        var y = g.InsertNode("aten::mul", [x, c1.Output()]).Output();
        var c2 = g.InsertNode("prim::Constant");
        Constants.SetValue(c2, IValue.FromTensor(second));
        c2.Output().SetType(TensorType.FromTensor(second));
        var z = g.InsertNode("aten::mul", [y, c2.Output()]).Output();
        g.RegisterOutput(z);
        if (returnBoth)
        {
            g.RegisterOutput(c1.Output());
            g.RegisterOutput(c2.Output());
        }
        return g;
    }

    [Fact]
    public void EqualTensorsMergeUpToTheSizeLimit()
    {
        var a = Tensor.FromArray(new[] { 1f, 2f, 3f }, 3);
        var b = Tensor.FromArray(new[] { 1f, 2f, 3f }, 3);
        var g = WithTensorConstants(a, b);
        Assert.True(new ConstantPooling().Run(g));
        g.Lint();
        Assert.Equal(1, g.Nodes.Count(n => n.Kind == "prim::Constant"));

        // Over the limit only the same tensor object merges.
        g = WithTensorConstants(a, b);
        new ConstantPooling(maxTensorElements: 2).Run(g);
        Assert.Equal(2, g.Nodes.Count(n => n.Kind == "prim::Constant"));
        g = WithTensorConstants(a, a);
        new ConstantPooling(maxTensorElements: 2).Run(g);
        Assert.Equal(1, g.Nodes.Count(n => n.Kind == "prim::Constant"));
    }

    [Fact]
    public void DifferentTensorsAndReturnedTensorsStayApart()
    {
        var a = Tensor.FromArray(new[] { 1f, 2f, 3f }, 3);
        var g = WithTensorConstants(a, Tensor.FromArray(new[] { 1f, 2f, 4f }, 3));
        new ConstantPooling().Run(g);
        Assert.Equal(2, g.Nodes.Count(n => n.Kind == "prim::Constant"));

        // Returned constants would alias each other if merged.
        g = WithTensorConstants(a, Tensor.FromArray(new[] { 1f, 2f, 3f }, 3), returnBoth: true);
        new ConstantPooling().Run(g);
        g.Lint();
        Assert.Equal(2, g.Nodes.Count(n => n.Kind == "prim::Constant"));
    }

    [Fact]
    public void WrittenConstantsStayApart()
    {
        var g = Graph.Parse("""
            graph():
              %one : int = prim::Constant[value=1]()
              %l : int[] = prim::Constant[value=[1]]()
              %m : int[] = prim::Constant[value=[1]]()
              %r : int[] = aten::append(%l, %one)
              %n : int = aten::len(%m)
              return (%n)

            """);
        new ConstantPooling().Run(g);
        g.Lint();
        Assert.Equal(3, g.Nodes.Count(n => n.Kind == "prim::Constant"));
    }
}
