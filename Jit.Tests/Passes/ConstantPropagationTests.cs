using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Passes;
using Jit.Runtime;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Passes;

public sealed class ConstantPropagationTests
{
    private static Graph Fold(string ir, bool expectChange = true)
    {
        var g = Graph.Parse(ir);
        using var cpu = new CpuBackend(Device.Cpu);
        Assert.Equal(expectChange, new ConstantPropagation(cpu).Run(g));
        g.Lint();
        return g;
    }

    [Fact]
    public void FoldsNumberAndListArithmetic()
    {
        var g = Fold("""
            graph(%x : Tensor):
              %a : int = prim::Constant[value=2]()
              %b : int = prim::Constant[value=3]()
              %c : int = aten::mul(%a, %b)
              %d : int = aten::add(%c, %a)
              %l : int[] = prim::ListConstruct(%d, %a)
              %y : Tensor = aten::view(%x, %l)
              return (%y)

            """);
        FileCheck.Run("""
            # CHECK: int[] = prim::Constant[value=[8, 2]]()
            # CHECK-NEXT: aten::view(%x, %
            # CHECK-NOT: aten::mul
            # CHECK-NOT: prim::ListConstruct
            """, g);
    }

    [Fact]
    public void FoldsTensorOpsThroughTheBackendKernels()
    {
        var g = Fold("""
            graph():
              %two : int = prim::Constant[value=2]()
              %none : NoneType = prim::Constant()
              %l : int[] = prim::ListConstruct(%two, %two)
              %t : Tensor = aten::ones(%l, %none, %none, %none, %none)
              %u : Tensor = aten::mul(%t, %two)
              return (%u)

            """);
        FileCheck.Run("""
            # CHECK: Float(2, 2, strides=[2, 1], requires_grad=0, device=cpu) = prim::Constant[value=
            # CHECK-NEXT: return
            """, g);
        using var cpu = new CpuBackend(Device.Cpu);
        Assert.Equal([2.0, 2, 2, 2], new Interpreter(g, cpu).Run([])[0].AsTensor.ToDoubleArray());
    }

    [Fact]
    public void ConstantIfIsReplacedByTheTakenBlockWhichIsFoldedToo()
    {
        var g = Fold("""
            graph(%x : Tensor):
              %t : bool = prim::Constant[value=1]()
              %one : int = prim::Constant[value=1]()
              %y : Tensor = prim::If(%t)
                block0():
                  %two : int = aten::add(%one, %one)
                  %a : Tensor = aten::mul(%x, %two)
                  -> (%a)
                block1():
                  %b : Tensor = aten::neg(%x)
                  -> (%b)
              return (%y)

            """);
        FileCheck.Run("""
            # CHECK-NOT: prim::If
            # CHECK: %a : Tensor = aten::mul(%x, %
            # CHECK-NOT: aten::neg
            # CHECK: return (%a)
            """, g);
    }

    [Fact]
    public void LoopThatNeverRunsIsReplacedByItsInitialValues()
    {
        var g = Fold("""
            graph(%x : Tensor):
              %zero : int = prim::Constant[value=0]()
              %t : bool = prim::Constant[value=1]()
              %y : Tensor = prim::Loop(%zero, %t, %x)
                block0(%i : int, %c : Tensor):
                  %d : Tensor = aten::neg(%c)
                  -> (%t, %d)
              return (%y)

            """);
        FileCheck.Run("""
            # CHECK-NOT: prim::Loop
            # CHECK: return (%x)
            """, g);
    }

    [Fact]
    public void NonConstantInputsSideEffectsAndNondeterminismAreLeftAlone()
    {
        const string ir = """
            graph(%x : Tensor,
                  %n : int):
              %one : int = prim::Constant[value=1]()
              %msg : str = prim::Constant[value="boom"]()
              %a : int = aten::add(%n, %one)
              %l : int[] = prim::ListConstruct(%one, %one)
              %none : NoneType = prim::Constant()
              %r : Tensor = aten::rand(%l, %none, %none, %none, %none)
               = prim::Print(%msg)
              %b : (int, Tensor) = prim::TupleConstruct(%a, %r)
              return (%b)

            """;
        var g = Fold(ir);
        // Only the list literal folds; rand, print and the add of an input stay.
        FileCheck.Run("""
            # CHECK: aten::add(%n, %one)
            # CHECK: aten::rand(
            # CHECK: prim::Print(%msg)
            # CHECK-NOT: prim::ListConstruct
            """, g);
    }

    [Fact]
    public void OpsThatWriteOrAliasWrittenValuesAreNotFolded()
    {
        var g = Fold("""
            graph():
              %one : int = prim::Constant[value=1]()
              %l : int[] = prim::ListConstruct(%one, %one)
              %r : int[] = aten::append(%l, %one)
              %n : int = aten::len(%l)
              return (%n)

            """, expectChange: false);
        // The list is appended to: folding it would share one mutable constant across runs.
        FileCheck.Run("""
            # CHECK: prim::ListConstruct
            # CHECK: aten::append
            # CHECK: aten::len
            """, g);
    }

    [Fact]
    public void AKernelThatThrowsLeavesTheNode()
    {
        var g = Fold("""
            graph():
              %zero : int = prim::Constant[value=0]()
              %one : int = prim::Constant[value=1]()
              %q : int = aten::floordiv(%one, %zero)
              return (%q)

            """, expectChange: false);
        FileCheck.Run("# CHECK: aten::floordiv(%one, %zero)", g);
    }

    [Fact]
    public void WithoutABackendOnlyHostOpsFold()
    {
        var g = Graph.Parse("""
            graph():
              %two : int = prim::Constant[value=2]()
              %none : NoneType = prim::Constant()
              %three : int = aten::add(%two, %two)
              %l : int[] = prim::ListConstruct(%three)
              %t : Tensor = aten::ones(%l, %none, %none, %none, %none)
              return (%t)

            """);
        Assert.True(new ConstantPropagation().Run(g));
        g.Lint();
        FileCheck.Run("""
            # CHECK: int[] = prim::Constant[value=[4]]()
            # CHECK: aten::ones(
            """, g);
    }

    [Fact]
    public void PrintedOnlyTensorsAreNotEvaluated()
    {
        var g = Fold("""
            graph():
              %w : Float(2, strides=[1], requires_grad=0, device=cpu) = prim::Constant[value=<Tensor>]()
              %y : Tensor = aten::relu(%w)
              return (%y)

            """, expectChange: false);
        FileCheck.Run("# CHECK: aten::relu(%w)", g);
    }

    [Fact]
    public void NoneTypedValuesFoldAsNoneAndDecideTheIfsThatTestThem()
    {
        // What mobile bytecode gives for `if mask is not None: ...` after an If that only yields
        // None: a NoneType If output, not a constant. It holds None whatever branch ran.
        var g = Fold("""
            graph(%c : bool, %x : Tensor):
              %n : NoneType = prim::Constant()
              %m : NoneType = prim::If(%c)
                block0():
                  -> (%n)
                block1():
                  -> (%n)
              %t : bool = aten::__isnot__(%m, %n)
              %y : Tensor = prim::If(%t)
                block0():
                  %u : NoneType = prim::unchecked_cast(%m)
                  %z : Tensor = aten::relu(%x)
                  -> (%z)
                block1():
                  -> (%x)
              return (%y)
            """);
        FileCheck.Run("""
            # CHECK-NOT: aten::__isnot__
            # CHECK-NOT: aten::relu
            # CHECK: return (%x)
            """, g);
    }

    [Fact]
    public void GradModeIsOffForInferenceButDeviceQueriesStay()
    {
        var g = Fold("""
            graph(%x : Tensor):
              %g : bool = aten::is_grad_enabled()
              %y : Tensor = prim::If(%g)
                block0():
                  %z : Tensor = aten::relu(%x)
                  -> (%z)
                block1():
                  -> (%x)
              %w : Float(requires_grad=0, device=cpu) = prim::Constant[value={1}]()
              %cuda : bool = prim::is_cuda(%w)
              %d : Device = prim::device(%w)
              return (%y, %cuda, %d)
            """);
        FileCheck.Run("""
            # CHECK-NOT: aten::is_grad_enabled
            # CHECK-NOT: aten::relu
            # CHECK: prim::is_cuda(%w)
            # CHECK: prim::device(%w)
            # CHECK: return (%x, %cuda, %d)
            """, g);
    }
}
