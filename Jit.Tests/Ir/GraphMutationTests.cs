using Jit.Errors;
using Jit.Ir;
using Jit.Ir.Text;
using Xunit;

namespace Jit.Tests.Ir;

public sealed class GraphMutationTests
{
    private static Graph AddGraph() => Graph.Parse("""
        graph(%x : Tensor,
              %c : bool):
          %one : int = prim::Constant[value=1]()
          %s : Tensor = aten::add(%x, %x, %one)
          %y : Tensor = prim::If(%c)
            block0():
              %a : Tensor = aten::relu(%s)
              -> (%a)
            block1():
              %b : Tensor = aten::neg(%s)
              -> (%b)
          return (%y)

        """);

    [Fact]
    public void InsertAtInsertPointAndGuardRestoresIt()
    {
        var g = AddGraph();
        var add = g.Nodes.ElementAt(1);
        using (g.InsertPointAt(add))
        {
            g.InsertNode("aten::tanh", [g.Inputs[0]]);
        }
        Assert.Equal(g.Block.ReturnNode, g.InsertPoint);
        Assert.Equal(["prim::Constant", "aten::tanh", "aten::add", "prim::If"], g.Nodes.Select(n => n.Kind));
        g.Lint();
    }

    [Fact]
    public void ReplaceAllUsesHandlesANodeUsingTheValueTwice()
    {
        var g = AddGraph();
        var x = g.Inputs[0];
        var add = g.Nodes.ElementAt(1);
        var relu = g.Create("aten::relu", [x]).InsertBefore(add);
        x.ReplaceAllUsesWith(relu.Output());
        // relu itself now uses its own output: put it back.
        relu.ReplaceInput(0, x);
        Assert.Equal([relu.Output(), relu.Output()], add.Inputs.Take(2));
        Assert.Equal([new Use(add, 0), new Use(add, 1)], relu.Output().Uses);
        Assert.Single(x.Uses);
        g.Lint();
    }

    [Fact]
    public void DestroyUpdatesUseListsAndRefusesLiveOutputs()
    {
        var g = AddGraph();
        var add = g.Nodes.ElementAt(1);
        Assert.Throws<JitIrException>(add.Destroy);
        var ifNode = g.Nodes.Last();
        ifNode.Output().ReplaceAllUsesWith(g.Inputs[0]);
        ifNode.Destroy();
        Assert.Empty(add.Output().Uses);
        add.Destroy();
        Assert.Single(g.Inputs[0].Uses);
        g.Lint();
    }

    [Fact]
    public void MoveBeforeAndAfterKeepOrder()
    {
        var g = AddGraph();
        var nodes = g.Nodes.ToList();
        nodes[0].MoveAfter(nodes[1]);
        Assert.Equal(["aten::add", "prim::Constant", "prim::If"], g.Nodes.Select(n => n.Kind));
        Assert.Throws<JitIrException>(g.Lint);
        nodes[0].MoveBefore(nodes[1]);
        g.Lint();
        Assert.True(nodes[0].IsBefore(nodes[1]));
        Assert.True(nodes[2].IsAfter(nodes[1]));
    }

    [Fact]
    public void IsBeforeAndIsAfterWorkAcrossNestedBlocks()
    {
        var g = AddGraph();
        var add = g.Nodes.ElementAt(1);
        var ifNode = g.Nodes.Last();
        var relu = ifNode.Blocks[0].Nodes.Single();
        var neg = ifNode.Blocks[1].Nodes.Single();
        Assert.True(add.IsBefore(relu));
        Assert.True(relu.IsAfter(add));
        Assert.True(neg.IsAfter(relu));
        Assert.True(relu.IsBefore(neg));
        Assert.False(relu.IsAfter(relu));
        var tail = g.InsertNode("aten::relu", [ifNode.Output()]);
        Assert.True(tail.IsAfter(neg));
        Assert.True(neg.IsBefore(tail));
    }

    [Fact]
    public void NameClashesRenameTheEarlierHolder()
    {
        var g = new Graph();
        var first = g.AddInput("x");
        var second = g.AddInput("x");
        Assert.Equal("x.1", first.DebugName);
        Assert.Equal("x", second.DebugName);
        var third = g.AddInput("x");
        // PyTorch's setDebugName remembers the last suffix per base name, so this is x.3, not x.2.
        Assert.Equal("x.3", second.DebugName);
        Assert.Equal("x", third.DebugName);
        Assert.Throws<JitIrException>(() => g.AddInput("12"));
        g.Lint();
    }

    [Fact]
    public void CreateCloneCopiesAttributesTypesNamesBlocksAndSourceRanges()
    {
        var g = AddGraph();
        var add = g.Nodes.ElementAt(1);
        add.SourceRange = new SourceRange("m.py", 1, 2);
        var ifNode = g.Nodes.Last();
        var clone = g.CreateClone(ifNode, v => v);
        clone.InsertAfter(ifNode);
        Assert.Equal(2, clone.Blocks.Count);
        Assert.Equal("y", clone.Output().DebugName);
        Assert.Equal("y.1", ifNode.Output().DebugName);
        Assert.Equal(4, add.Output().Uses.Count);
        var constClone = g.CreateClone(g.Nodes.First(), v => v);
        Assert.Equal(1L, constClone.IntAttr("value"));
        Assert.Equal(IntType.Instance, constClone.Output().Type);
        var addClone = g.CreateClone(add, v => v);
        Assert.Equal(add.SourceRange, addClone.SourceRange);
        // Uninserted clones still hold uses; lint sees them until they are destroyed.
        Assert.Throws<JitIrException>(g.Lint);
        addClone.Destroy();
        constClone.Destroy();
        g.Lint();
    }

    [Fact]
    public void CloneFromMapsOuterValues()
    {
        var g = AddGraph();
        var target = new Graph();
        var x = target.AddInput("x");
        var c = target.AddInput("c", BoolType.Instance);
        target.Block.CloneFrom(g.Block, v => throw new InvalidOperationException("unexpected free value"));
        // The source block's inputs became new inputs; map nothing from outside.
        Assert.Equal(4, target.Inputs.Count);
        Assert.Single(target.Outputs);
        Assert.Empty(x.Uses);
        Assert.Empty(c.Uses);
        target.Lint();
    }

    [Fact]
    public void CopyIsDeepAndIndependent()
    {
        var g = AddGraph();
        var copy = g.Copy();
        Assert.Equal(IrPrinter.Print(g), IrPrinter.Print(copy));
        copy.Nodes.Last().Output().ReplaceAllUsesWith(copy.Inputs[0]);
        Assert.NotEqual(IrPrinter.Print(g), IrPrinter.Print(copy));
        g.Lint();
        copy.Lint();
    }
}
