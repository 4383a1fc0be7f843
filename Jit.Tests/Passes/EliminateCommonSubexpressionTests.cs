using Jit.Passes;
using Xunit;
using static Jit.Tests.Passes.EliminateDeadCodeTests;

namespace Jit.Tests.Passes;

public sealed class EliminateCommonSubexpressionTests
{
    [Fact]
    public void MergesIdenticalPureNodesAndEqualConstants()
    {
        Assert.True(RunAndCheck(new EliminateCommonSubexpression(), """
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %uno : int = prim::Constant[value=1]()
              %t : bool = prim::Constant[value=1]()
              %a : Tensor = aten::add(%x, %x, %one)
              %b : Tensor = aten::add(%x, %x, %uno)
              %c : Tensor = aten::mul(%a, %b)
              return (%c, %t)
            # CHECK-COUNT-EXACTLY-1: int = prim::Constant[value=1]
            # CHECK: bool = prim::Constant[value=1]
            # CHECK-COUNT-EXACTLY-1: aten::add
            # CHECK: aten::mul(%a, %a)
            """));
    }

    [Fact]
    public void DifferentAttributesOrInputsStayApart()
    {
        Assert.False(RunAndCheck(new EliminateCommonSubexpression(), """
            graph(%x : Tensor,
                  %y : Tensor):
              %one : int = prim::Constant[value=1]()
              %two : int = prim::Constant[value=2]()
              %a : Tensor = aten::add(%x, %y, %one)
              %b : Tensor = aten::add(%x, %y, %two)
              %c : Tensor = aten::add(%y, %x, %one)
              return (%a, %b, %c)
            # CHECK-COUNT-EXACTLY-3: aten::add
            """));
    }

    [Fact]
    public void NestedBlocksSeeOuterDefinitionsButNotSiblings()
    {
        RunAndCheck(new EliminateCommonSubexpression(), """
            graph(%x : Tensor,
                  %c : bool):
              %a : Tensor = aten::relu(%x)
              %y : Tensor = prim::If(%c)
                block0():
                  %b : Tensor = aten::relu(%x)
                  %s : Tensor = aten::sigmoid(%x)
                  %m : Tensor = aten::mul(%b, %s)
                  -> (%m)
                block1():
                  %s2 : Tensor = aten::sigmoid(%x)
                  -> (%s2)
              return (%a, %y)
            # CHECK: %a : Tensor = aten::relu(%x)
            # CHECK: block0():
            # CHECK-NOT: aten::relu
            # CHECK: aten::sigmoid
            # CHECK: aten::mul(%a, %s)
            # CHECK: block1():
            # CHECK-NEXT: aten::sigmoid
            """);
    }

    [Theory]
    [InlineData("""
        %a : Tensor = aten::rand_like(%x, %none, %none, %none, %none, %none)
        %b : Tensor = aten::rand_like(%x, %none, %none, %none, %none, %none)
        """, "aten::rand_like")]
    [InlineData("""
        %a : Tensor = aten::dropout(%x, %p, %t)
        %b : Tensor = aten::dropout(%x, %p, %t)
        """, "aten::dropout")]
    [InlineData("""
        %a : Tensor = aten::add_(%x, %one, %one)
        %b : Tensor = aten::add_(%x, %one, %one)
        """, "aten::add_")]
    [InlineData("""
        %a : Tensor = aten::relu(%x)
        %w : Tensor = aten::mul_(%x, %one)
        %b : Tensor = aten::relu(%x)
        """, "aten::relu")]
    [InlineData("""
        %a : int[] = prim::ListConstruct(%one)
        %b : int[] = prim::ListConstruct(%one)
        %w : int[] = aten::append(%b, %one)
        """, "prim::ListConstruct")]
    public void DoesNotMergeNondeterministicMutatingOrWrittenNodes(string body, string kind)
    {
        Assert.False(RunAndCheck(new EliminateCommonSubexpression(), $"""
            graph(%x : Tensor,
                  %t : bool):
              %none : NoneType = prim::Constant()
              %one : int = prim::Constant[value=1]()
              %p : float = prim::Constant[value=0.5]()
            {Indent(body)}
              return (%a, %b)
            # CHECK-COUNT-EXACTLY-2: {kind}
            """));
    }

    [Fact]
    public void KeepsDistinctGraphOutputsDistinct()
    {
        Assert.False(RunAndCheck(new EliminateCommonSubexpression(), """
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %b : Tensor = aten::clone(%x, %one)
              return (%a, %b)
            # CHECK-COUNT-EXACTLY-2: aten::clone
            """));
    }

    private static string Indent(string body) =>
        string.Join("\n", body.Trim().Split('\n').Select(l => "  " + l.Trim()));
}
