using Jit.Passes;
using Xunit;
using static Jit.Tests.Passes.EliminateDeadCodeTests;

namespace Jit.Tests.Passes;

public sealed class RemoveDropoutTests
{
    [Theory]
    [InlineData("aten::dropout")]
    [InlineData("aten::dropout_")]
    [InlineData("aten::feature_dropout")]
    [InlineData("aten::alpha_dropout")]
    public void EvalModeDropoutBecomesItsInput(string kind)
    {
        Assert.True(RunAndCheck(new RemoveDropout(), $"""
            graph(%x : Tensor):
              %f : bool = prim::Constant[value=0]()
              %p : float = prim::Constant[value=0.5]()
              %d : Tensor = {kind}(%x, %p, %f)
              %r : Tensor = aten::relu(%d)
              return (%r)
            # CHECK-NOT: dropout
            # CHECK: aten::relu(%x)
            """));
    }

    [Fact]
    public void TrainingOrUnknownModeStays()
    {
        Assert.False(RunAndCheck(new RemoveDropout(), """
            graph(%self : __torch__.M,
                  %x : Tensor,
                  %train : bool):
              %t : bool = prim::Constant[value=1]()
              %p : float = prim::Constant[value=0.5]()
              %training : bool = prim::GetAttr[name="training"](%self)
              %a : Tensor = aten::dropout(%x, %p, %t)
              %b : Tensor = aten::dropout(%a, %p, %train)
              %c : Tensor = aten::dropout(%b, %p, %training)
              return (%c)
            # CHECK-COUNT-EXACTLY-3: aten::dropout
            """));
    }

    [Fact]
    public void DropoutInsideBlocksGoesToo()
    {
        Assert.True(RunAndCheck(new RemoveDropout(), """
            graph(%x : Tensor,
                  %c : bool):
              %f : bool = prim::Constant[value=0]()
              %p : float = prim::Constant[value=0.1]()
              %y : Tensor = prim::If(%c)
                block0():
                  %d : Tensor = aten::dropout(%x, %p, %f)
                  -> (%d)
                block1():
                  -> (%x)
              return (%y)
            # CHECK-NOT: aten::dropout
            # CHECK: -> (%x)
            """));
    }
}
