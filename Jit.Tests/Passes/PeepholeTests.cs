using Jit.Ir;
using Jit.Passes;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Passes;

/// <summary>Peephole rewrites on IR text: each fires where the types prove it safe, and not otherwise.</summary>
public sealed class PeepholeTests
{
    private static Graph Run(string ir, bool expectChanged = true)
    {
        var g = Graph.Parse(ir);
        bool changed = new Peephole().Run(g);
        g.Lint();
        Assert.Equal(expectChanged, changed);
        FileCheck.Run(ir, g);
        return g;
    }

    [Fact]
    public void AddZeroAndMulOneWithSameTypeAreRemoved() => Run("""
        graph(%x : Float(2, 3)):
          %zero : int = prim::Constant[value=0]()
          %one : float = prim::Constant[value=1.]()
          %a : Tensor = aten::add(%x, %zero, %one)
          %b : Tensor = aten::mul(%a, %one)
          %c : Tensor = aten::sub(%b, %zero, %one)
          %d : Tensor = aten::div(%c, %one)
          return (%d)
        # CHECK-NOT: aten::add
        # CHECK-NOT: aten::mul
        # CHECK-NOT: aten::div
        # CHECK: return (%x)
        """);

    [Fact]
    public void AddZeroThatBroadcastsOrPromotesIsKept()
    {
        Run("""
            graph(%x : Long(2, 3), %y : Float(4, 2, 3)):
              %zero : float = prim::Constant[value=0.]()
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::add(%x, %zero, %one)
              %b : Tensor = aten::div(%x, %one)
              return (%a, %b)
            # CHECK: aten::add
            # CHECK: aten::div
            """, expectChanged: false);
        Run("""
            graph(%x : Tensor):
              %zero : int = prim::Constant[value=0]()
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::add(%x, %zero, %one)
              return (%a)
            # CHECK: aten::add
            """, expectChanged: false);
    }

    [Fact]
    public void NoOpViewsAndConversionsAreRemoved() => Run("""
        graph(%x : Float(2, 3)):
          %n : NoneType = prim::Constant()
          %f : bool = prim::Constant[value=0]()
          %fl : int = prim::Constant[value=6]()
          %two : int = prim::Constant[value=2]()
          %three : int = prim::Constant[value=3]()
          %m1 : int = prim::Constant[value=-1]()
          %shape : int[] = prim::ListConstruct(%two, %three)
          %shape2 : int[] = prim::ListConstruct(%two, %m1)
          %a : Tensor = aten::to(%x, %fl, %f, %f, %n)
          %b : Tensor = aten::expand(%a, %shape, %f)
          %c : Tensor = aten::view(%b, %shape2)
          %d : Tensor = aten::reshape(%c, %shape)
          %e : Tensor = aten::contiguous(%d, %n)
          %g : Tensor = aten::contiguous(%e, %n)
          return (%g)
        # CHECK-NOT: aten::to
        # CHECK-NOT: aten::expand
        # CHECK-NOT: aten::view
        # CHECK-NOT: aten::reshape
        # CHECK-COUNT-EXACTLY-1: aten::contiguous
        """);

    [Fact]
    public void ViewsThatChangeTheShapeAndCopiesAreKept() => Run("""
        graph(%x : Float(2, 3)):
          %n : NoneType = prim::Constant()
          %f : bool = prim::Constant[value=0]()
          %t : bool = prim::Constant[value=1]()
          %fl : int = prim::Constant[value=6]()
          %dbl : int = prim::Constant[value=7]()
          %three : int = prim::Constant[value=3]()
          %two : int = prim::Constant[value=2]()
          %shape : int[] = prim::ListConstruct(%three, %two)
          %a : Tensor = aten::to(%x, %fl, %f, %t, %n)
          %b : Tensor = aten::to(%x, %dbl, %f, %f, %n)
          %c : Tensor = aten::view(%x, %shape)
          return (%a, %b, %c)
        # CHECK-COUNT-EXACTLY-2: aten::to
        # CHECK: aten::view
        """, expectChanged: false);

    [Fact]
    public void SizeQueriesFoldWhereShapesAreKnown() => Run("""
        graph(%x : Float(2, 3), %y : Float(*, 5)):
          %zero : int = prim::Constant[value=0]()
          %one : int = prim::Constant[value=1]()
          %d : int = aten::dim(%x)
          %s : int = aten::size(%x, %one)
          %all : int[] = aten::size(%x)
          %y0 : int = aten::size(%y, %zero)
          %ys : int[] = aten::size(%y)
          %l : int = aten::len(%ys)
          %y1 : int = aten::__getitem__(%ys, %one)
          return (%d, %s, %all, %y0, %l, %y1)
        # CHECK-NOT: aten::dim
        # CHECK: int = aten::size(%y, %zero)
        # CHECK-NOT: aten::len
        # CHECK-NOT: aten::__getitem__
        # CHECK: return (
        """);

    [Fact]
    public void MatmulOfTransposeBecomesLinearAndTakesTheBias() => Run("""
        graph(%x : Float(4, 16), %w : Float(8, 16), %b : Float(8)):
          %one : int = prim::Constant[value=1]()
          %wt : Tensor = aten::t(%w)
          %m : Tensor = aten::matmul(%x, %wt)
          %y : Tensor = aten::add(%m, %b, %one)
          return (%y)
        # CHECK-NOT: aten::t(
        # CHECK-NOT: aten::matmul
        # CHECK: aten::linear(%x, %w, %b)
        # CHECK-NOT: aten::add
        """);

    [Fact]
    public void LinearKeepsAnAddWhoseBiasIsNotAVector() => Run("""
        graph(%x : Float(4, 16), %w : Float(8, 16), %b : Float(4, 8)):
          %one : int = prim::Constant[value=1]()
          %wt : Tensor = aten::t(%w)
          %m : Tensor = aten::mm(%x, %wt)
          %y : Tensor = aten::add(%m, %b, %one)
          return (%y)
        # CHECK: aten::linear(%x, %w,
        # CHECK: aten::add
        """);

    [Fact]
    public void DoubleTransposeIsRemoved() => Run("""
        graph(%x : Float(4, 16)):
          %a : Tensor = aten::t(%x)
          %b : Tensor = aten::t(%a)
          return (%b)
        # CHECK: return (%x)
        """);

    [Fact]
    public void IsNoneFoldsOnTypes() => Run("""
        graph(%x : Tensor, %o : Tensor?):
          %n : NoneType = prim::Constant()
          %a : bool = aten::__is__(%x, %n)
          %b : bool = aten::__isnot__(%x, %n)
          %c : bool = aten::__is__(%n, %n)
          %d : bool = aten::__is__(%o, %n)
          return (%a, %b, %c, %d)
        # CHECK: bool = prim::Constant[value=0]()
        # CHECK: bool = prim::Constant[value=1]()
        # CHECK: bool = prim::Constant[value=1]()
        # CHECK: aten::__is__(%o, %n)
        """);

    [Fact]
    public void IfOutputBothBranchesAgreeOnIsHoisted() => Run("""
        graph(%c : bool, %x : Tensor, %y : Tensor):
          %r : Tensor, %s : Tensor = prim::If(%c)
            block0():
              -> (%x, %x)
            block1():
              -> (%x, %y)
          return (%r, %s)
        # CHECK: %s : Tensor = prim::If(%c)
        # CHECK: -> (%x)
        # CHECK: -> (%y)
        # CHECK: return (%x, %s)
        """);

    [Fact]
    public void IsOfOneValueFolds() => Run("""
        graph(%x : Tensor, %y : Tensor):
          %a : bool = aten::__is__(%x, %x)
          %b : bool = aten::__isnot__(%x, %x)
          %c : bool = aten::__is__(%x, %y)
          return (%a, %b, %c)
        # CHECK: bool = prim::Constant[value=1]()
        # CHECK: bool = prim::Constant[value=0]()
        # CHECK: aten::__is__(%x, %y)
        """);

    [Fact]
    public void IfOutputsBothBranchesGiveTheSameConstantBecomeThatConstant() => Run("""
        graph(%c : bool, %x : Tensor?):
          %r : Tensor?, %s : int, %t : int = prim::If(%c)
            block0():
              %n : NoneType = prim::Constant()
              %one : int = prim::Constant[value=1]()
              %two : int = prim::Constant[value=2]()
              -> (%n, %one, %one)
            block1():
              %u : NoneType = prim::unchecked_cast(%x)
              %one2 : int = prim::Constant[value=1]()
              %three : int = prim::Constant[value=3]()
              -> (%u, %one2, %three)
          return (%r, %s, %t)
        # CHECK: int = prim::Constant[value=1]()
        # CHECK: NoneType = prim::Constant()
        # CHECK: %t : int = prim::If(%c)
        # CHECK: -> (%one)
        # CHECK: -> (%three)
        # CHECK: return (
        # CHECK-NOT: %r
        # CHECK-NOT: %s
        # CHECK-SAME: , %t)
        """);

    [Fact]
    public void IfOutputsWithDifferentOrTensorConstantsAreKept() => Run("""
        graph(%c : bool):
          %r : int, %s : Tensor = prim::If(%c)
            block0():
              %one : int = prim::Constant[value=1]()
              %a : Float(requires_grad=0, device=cpu) = prim::Constant[value={1}]()
              -> (%one, %a)
            block1():
              %two : int = prim::Constant[value=2]()
              %b : Float(requires_grad=0, device=cpu) = prim::Constant[value={1}]()
              -> (%two, %b)
          return (%r, %s)
        # CHECK: %r : int, %s : Tensor = prim::If(%c)
        """, expectChanged: false);

    [Fact]
    public void IsNestedAndRequiresGradAreFalseForInference() => Run("""
        graph(%x : Tensor):
          %a : bool = prim::is_nested(%x)
          %b : bool = prim::requires_grad(%x)
          return (%a, %b)
        # CHECK: bool = prim::Constant[value=0]()
        # CHECK-NOT: prim::is_nested
        # CHECK-NOT: prim::requires_grad
        # CHECK: return (
        """);

    [Fact]
    public void DeviceQueriesAreKept() => Run("""
        graph(%x : Tensor):
          %a : bool = prim::is_cuda(%x)
          %d : Device = prim::device(%x)
          return (%a, %d)
        # CHECK: prim::is_cuda(%x)
        # CHECK: prim::device(%x)
        """, expectChanged: false);
}
