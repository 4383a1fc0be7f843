using Jit.Passes;
using Xunit;
using static Jit.Tests.Passes.EliminateDeadCodeTests;

namespace Jit.Tests.Passes;

public sealed class EliminateNoOpSliceTests
{
    [Theory]
    [InlineData("%zero", "%none", "%one")]
    [InlineData("%none", "%max", "%one")]
    [InlineData("%zero", "%four", "%one")]
    [InlineData("%zero", "%big", "%one")]
    public void RemovesTensorSlicesThatTakeEverything(string start, string end, string step)
    {
        Assert.True(RunAndCheck(new EliminateNoOpSlice(), Tensor(start, end, step) + """
            # CHECK-NOT: aten::slice
            # CHECK: aten::relu(%x)
            """));
    }

    [Theory]
    [InlineData("%one", "%none", "%one")]
    [InlineData("%zero", "%two", "%one")]
    [InlineData("%zero", "%none", "%two")]
    public void KeepsTensorSlicesThatDropSomething(string start, string end, string step)
    {
        Assert.False(RunAndCheck(new EliminateNoOpSlice(), Tensor(start, end, step) + """
            # CHECK: aten::slice
            """));
    }

    private static string Tensor(string start, string end, string step) => $"""
        graph(%x : Float(3, 4)):
          %none : NoneType = prim::Constant()
          %zero : int = prim::Constant[value=0]()
          %one : int = prim::Constant[value=1]()
          %two : int = prim::Constant[value=2]()
          %four : int = prim::Constant[value=4]()
          %big : int = prim::Constant[value=100]()
          %max : int = prim::Constant[value=9223372036854775807]()
          %s : Float(3, 4) = aten::slice(%x, %one, {start}, {end}, {step})
          %r : Float(3, 4) = aten::relu(%s)
          return (%r)

        """;

    [Fact]
    public void EndAtTheSizeNeedsAKnownSize()
    {
        Assert.False(RunAndCheck(new EliminateNoOpSlice(), """
            graph(%x : Tensor):
              %zero : int = prim::Constant[value=0]()
              %one : int = prim::Constant[value=1]()
              %four : int = prim::Constant[value=4]()
              %s : Tensor = aten::slice(%x, %zero, %zero, %four, %one)
              return (%s)
            # CHECK: aten::slice
            """));
    }

    [Fact]
    public void RemovesListSlicesOfListsNobodyWrites()
    {
        Assert.True(RunAndCheck(new EliminateNoOpSlice(), List("") + """
            # CHECK-NOT: aten::slice
            # CHECK: aten::len(%l)
            """));
    }

    [Fact]
    public void KeepsListSlicesWhenEitherListIsWritten()
    {
        // The slice is a copy: appending to it must not change %l.
        Assert.False(RunAndCheck(new EliminateNoOpSlice(), List("%s2 : int[] = aten::append(%s, %a)") + """
            # CHECK: aten::slice
            """));
    }

    private static string List(string write) => $"""
        graph(%a : int,
              %b : int):
          %none : NoneType = prim::Constant()
          %zero : int = prim::Constant[value=0]()
          %one : int = prim::Constant[value=1]()
          %l : int[] = prim::ListConstruct(%a, %b)
          %s : int[] = aten::slice(%l, %zero, %none, %one)
          {write}
          %n : int = aten::len(%s)
          return (%n)

        """;

    [Fact]
    public void KeepsTensorSlicesWhoseShapeIsChangedInPlace()
    {
        Assert.False(RunAndCheck(new EliminateNoOpSlice(), """
            graph(%x : Tensor):
              %none : NoneType = prim::Constant()
              %zero : int = prim::Constant[value=0]()
              %one : int = prim::Constant[value=1]()
              %s : Tensor = aten::slice(%x, %zero, %none, %none, %one)
              %u : Tensor = aten::unsqueeze_(%s, %zero)
              return (%s, %x)
            # CHECK: aten::slice
            """));
    }
}
