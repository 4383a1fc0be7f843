using Jit.Passes;
using Xunit;
using static Jit.Tests.Passes.EliminateDeadCodeTests;

namespace Jit.Tests.Passes;

public sealed class RemoveTensorMutationTests
{
    [Fact]
    public void RewritesInPlaceOpsOnFreshTensors()
    {
        Assert.True(RunAndCheck(new RemoveTensorMutation(), """
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %two : float = prim::Constant[value=2.]()
              %a : Tensor = aten::clone(%x, %one)
              %b : Tensor = aten::add_(%a, %one, %one)
              %c : Tensor = aten::relu_(%a)
              %d : Tensor = aten::mul_(%c, %two)
              return (%a, %d)
            # CHECK: %a : Tensor = aten::clone
            # CHECK-NEXT: %b : Tensor = aten::add(%a, %one, %one)
            # CHECK-NEXT: %c : Tensor = aten::relu(%b)
            # CHECK-NEXT: %d : Tensor = aten::mul(%c, %two)
            # CHECK-NEXT: return (%d, %d)
            """));
    }

    [Fact]
    public void LeavesGraphInputsAttributesAndConstantsAlone()
    {
        Assert.False(RunAndCheck(new RemoveTensorMutation(), """
            graph(%self : __torch__.M,
                  %x : Tensor):
              %one : int = prim::Constant[value=1]()
              %w : Tensor = prim::GetAttr[name="w"](%self)
              %k : Tensor = prim::Constant[value={3}]()
              %a : Tensor = aten::relu_(%x)
              %b : Tensor = aten::relu_(%w)
              %c : Tensor = aten::relu_(%k)
              return (%a, %b, %c)
            # CHECK-COUNT-EXACTLY-3: aten::relu_
            """));
    }

    [Fact]
    public void LeavesMutationThroughALiveViewAlone()
    {
        // %v sees the write to %a: after a rewrite it would not.
        Assert.False(RunAndCheck(new RemoveTensorMutation(), """
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %v : Tensor = aten::select(%a, %one, %one)
              %b : Tensor = aten::relu_(%a)
              return (%v)
            # CHECK: aten::relu_
            """));
    }

    [Fact]
    public void LeavesMutationOfAViewAlone()
    {
        Assert.False(RunAndCheck(new RemoveTensorMutation(), """
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %v : Tensor = aten::select(%a, %one, %one)
              %b : Tensor = aten::relu_(%v)
              return (%a)
            # CHECK: aten::relu_
            """));
    }

    [Fact]
    public void RewritesWhenAViewIsOnlyReadBeforeTheWrite()
    {
        Assert.True(RunAndCheck(new RemoveTensorMutation(), """
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %v : Tensor = aten::select(%a, %one, %one)
              %s : Tensor = aten::sigmoid(%v)
              %b : Tensor = aten::relu_(%a)
              return (%s, %a)
            # CHECK: aten::relu(%a)
            # CHECK: return (%s, %b)
            """));
    }

    [Fact]
    public void LeavesMutationInALoopOfAValueFromOutsideAlone()
    {
        Assert.False(RunAndCheck(new RemoveTensorMutation(), """
            graph(%x : Tensor,
                  %n : int):
              %t : bool = prim::Constant[value=1]()
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
               = prim::Loop(%n, %t)
                block0(%i : int):
                  %w : Tensor = aten::add_(%a, %one, %one)
                  -> (%t)
              return (%a)
            # CHECK: aten::add_
            """));
    }

    [Fact]
    public void RewritesInsideALoopBodyOnValuesMadeThere()
    {
        Assert.True(RunAndCheck(new RemoveTensorMutation(), """
            graph(%x : Tensor,
                  %n : int):
              %t : bool = prim::Constant[value=1]()
              %one : int = prim::Constant[value=1]()
              %s : Tensor = prim::Loop(%n, %t, %x)
                block0(%i : int, %acc : Tensor):
                  %c : Tensor = aten::mul(%acc, %x)
                  %d : Tensor = aten::sigmoid_(%c)
                  -> (%t, %c)
              return (%s)
            # CHECK: %d : Tensor = aten::sigmoid(%c)
            # CHECK-NEXT: -> (%t, %d)
            """));
    }

    [Fact]
    public void LeavesTensorsHeldInAListAlone()
    {
        Assert.False(RunAndCheck(new RemoveTensorMutation(), """
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %l : Tensor[] = prim::ListConstruct(%a)
              %b : Tensor = aten::relu_(%a)
              %z : int = prim::Constant[value=0]()
              %e : Tensor = aten::__getitem__(%l, %z)
              return (%e)
            # CHECK: aten::relu_
            """));
    }

    [Fact]
    public void LeavesTensorsThatEscapeThroughSetAttrAlone()
    {
        Assert.False(RunAndCheck(new RemoveTensorMutation(), """
            graph(%self : __torch__.M,
                  %x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
               = prim::SetAttr[name="w"](%self, %a)
              %b : Tensor = aten::relu_(%a)
              return (%b)
            # CHECK: aten::relu_
            """));
    }

    [Fact]
    public void LeavesInPlaceOpsThatWouldPromoteAlone()
    {
        // In place the result stays float; the functional add of a double tensor would promote.
        Assert.False(RunAndCheck(new RemoveTensorMutation(), """
            graph(%x : Float(3),
                  %y : Double(3)):
              %one : int = prim::Constant[value=1]()
              %a : Float(3) = aten::clone(%x, %one)
              %b : Float(3) = aten::add_(%a, %y, %one)
              return (%b)
            # CHECK: aten::add_
            """));
        Assert.True(RunAndCheck(new RemoveTensorMutation(), """
            graph(%x : Float(3),
                  %y : Float(3)):
              %one : int = prim::Constant[value=1]()
              %a : Float(3) = aten::clone(%x, %one)
              %b : Float(3) = aten::add_(%a, %y, %one)
              return (%b)
            # CHECK: aten::add(%a, %y, %one)
            """));
    }
}
