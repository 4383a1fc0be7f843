using Jit.Errors;
using Jit.Ir;
using Xunit;

namespace Jit.Tests.Ir;

public sealed class GraphLintTests
{
    private const string IfGraph = """
        graph(%x : Tensor,
              %c : bool):
          %y : Tensor = prim::If(%c)
            block0():
              %a : Tensor = aten::relu(%x)
              -> (%a)
            block1():
              -> (%x)
          %z : Tensor = aten::neg(%y)
          return (%z)

        """;

    private const string LoopGraph = """
        graph(%x : Tensor,
              %n : int):
          %t : bool = prim::Constant[value=1]()
          %r : Tensor = prim::Loop(%n, %t, %x)
            block0(%i : int, %h : Tensor):
              %h2 : Tensor = aten::neg(%h)
              -> (%t, %h2)
          return (%r)

        """;

    private static JitIrException LintFails(Graph g, params string[] fragments)
    {
        var e = Assert.Throws<JitIrException>(g.Lint);
        foreach (var f in fragments) Assert.Contains(f, e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void WellFormedGraphsPass()
    {
        Graph.Parse(IfGraph).Lint();
        Graph.Parse(LoopGraph).Lint();
    }

    [Fact]
    public void UseBeforeDefinitionIsReported()
    {
        var g = Graph.Parse(IfGraph);
        var neg = g.Nodes.Last();
        neg.MoveBefore(g.Nodes.First());
        LintFails(g, "%y", "used before it is defined", "aten::neg(%y)");
    }

    [Fact]
    public void ValueDefinedInsideABlockIsNotVisibleAfterIt()
    {
        var g = Graph.Parse(IfGraph);
        var inner = g.Nodes.First().Blocks[0].Nodes.Single().Output();
        g.Nodes.Last().ReplaceInput(0, inner);
        LintFails(g, "%a", "outside the block that defines it", "%z : Tensor = aten::neg(%a)");
    }

    [Fact]
    public void UseListOutOfSyncIsReported()
    {
        var g = Graph.Parse(IfGraph);
        var neg = g.Nodes.Last();
        neg.Inputs[0].UseList.Clear();
        LintFails(g, "0 matching entries in its use list", "aten::neg");

        var g2 = Graph.Parse(IfGraph);
        var x = g2.Inputs[0];
        x.UseList.Add(new Use(g2.Nodes.Last(), 0));
        LintFails(g2, "lists a use by input 0", "aten::neg(%y)");
    }

    [Fact]
    public void IfWithWrongBlockOutputsIsReported()
    {
        var g = Graph.Parse(IfGraph);
        g.Nodes.First().Blocks[1].EraseOutput(0);
        LintFails(g, "prim::If block1 returns 0 values but the node has 1 outputs", "prim::If(%c)");
    }

    [Fact]
    public void LoopWithWrongCarriedValuesIsReported()
    {
        var g = Graph.Parse(LoopGraph);
        var loop = g.Nodes.Last();
        loop.Blocks[0].EraseOutput(1);
        LintFails(g, "prim::Loop body must return the condition and 1 carried values", "prim::Loop(%n, %t, %x)");

        var g2 = Graph.Parse(LoopGraph);
        g2.Nodes.Last().Blocks[0].AddInput("extra");
        LintFails(g2, "must take the iteration number and 1 carried values");
    }

    [Fact]
    public void DuplicateIdsAndBrokenBackPointersAreReported()
    {
        var g = Graph.Parse(IfGraph);
        g.Nodes.Last().Output().Id = g.Nodes.First().Output().Id;
        LintFails(g, "value id", "used by both");

        var g2 = Graph.Parse(IfGraph);
        g2.Nodes.Last().Output().Offset = 3;
        LintFails(g2, "has offset 3", "aten::neg");

        var g3 = Graph.Parse(IfGraph);
        var relu = g3.Nodes.First().Blocks[0].Nodes.Single();
        relu.Owner = g3.Block;
        LintFails(g3, "owning block", "aten::relu");
    }

    [Fact]
    public void UseByDestroyedNodeIsReported()
    {
        var g = Graph.Parse(IfGraph);
        var neg = g.Nodes.Last();
        g.EraseOutput(0);
        neg.RemoveFromList();
        LintFails(g, "lists a use by aten::neg, which is not in the graph", "prim::If(%c)");
    }
}
