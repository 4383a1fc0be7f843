using Jit.Passes;
using Xunit;
using static Jit.Tests.Passes.EliminateDeadCodeTests;

namespace Jit.Tests.Passes;

public sealed class RemoveListMutationTests
{
    [Fact]
    public void AppendsBeforeAnyReadJoinTheConstruction()
    {
        Assert.True(RunAndCheck(new RemoveListMutation(), """
            graph(%a : bool,
                  %c : bool):
              %l : bool[] = prim::ListConstruct(%a)
              %x : bool[] = aten::append(%l, %a)
              %b : bool = prim::If(%c)
                block0():
                  -> (%a)
                block1():
                  -> (%c)
              %y : bool[] = aten::append(%x, %b)
              %r : bool = aten::all(%y)
              return (%r)
            # CHECK: prim::If
            # CHECK: %l : bool[] = prim::ListConstruct(%a, %a, %b)
            # CHECK-NOT: aten::append
            # CHECK: aten::all(%l)
            """));
    }

    [Fact]
    public void AnAppendAfterARead()
    {
        // The read sees a one-element list; the later append stays a mutation.
        Assert.True(RunAndCheck(new RemoveListMutation(), """
            graph(%a : int):
              %l : int[] = prim::ListConstruct()
              %x : int[] = aten::append(%l, %a)
              %n : int = aten::len(%l)
              %y : int[] = aten::append(%l, %n)
              return (%l)
            # CHECK: %l : int[] = prim::ListConstruct(%a)
            # CHECK: aten::len(%l)
            # CHECK: aten::append(%l, %n)
            """));
    }

    [Fact]
    public void AReadInsideABlockStopsIt()
    {
        Assert.False(RunAndCheck(new RemoveListMutation(), """
            graph(%a : int,
                  %c : bool):
              %l : int[] = prim::ListConstruct()
              %n : int = prim::If(%c)
                block0():
                  %m : int = aten::len(%l)
                  -> (%m)
                block1():
                  -> (%a)
              %x : int[] = aten::append(%l, %n)
              return (%l)
            # CHECK: prim::ListConstruct()
            # CHECK: aten::append(%l, %n)
            """));
    }
}
