using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Modules;
using Jit.Passes;
using Jit.Runtime;
using Jit.Tests.Models;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Passes;

public sealed class EliminateDeadCodeTests
{
    /// <summary>Parses, runs the pass, lints, checks the <c># CHECK</c> lines of the input; returns whether it changed anything.</summary>
    internal static bool RunAndCheck(IGraphPass pass, string ir)
    {
        var g = Graph.Parse(ir);
        bool changed = pass.Run(g);
        g.Lint();
        FileCheck.Run(ir, g);
        return changed;
    }

    [Fact]
    public void RemovesUnusedPureNodes()
    {
        Assert.True(RunAndCheck(new EliminateDeadCode(), """
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::relu(%x)
              %b : Tensor = aten::add(%a, %x, %one)
              %c : Tensor = aten::neg(%x)
              return (%a)
            # CHECK: aten::relu
            # CHECK-NOT: aten::add
            # CHECK-NOT: aten::neg
            # CHECK-NOT: prim::Constant
            # CHECK: return
            """));
    }

    [Fact]
    public void NothingToRemoveReportsNoChange()
    {
        Assert.False(RunAndCheck(new EliminateDeadCode(), """
            graph(%x : Tensor):
              %a : Tensor = aten::relu(%x)
              return (%a)
            # CHECK: aten::relu
            """));
    }

    [Theory]
    [InlineData("""  %m : str = prim::Constant[value="boom"]()""", """   = prim::RaiseException(%m, %none)""", "prim::RaiseException")]
    [InlineData("""  %m : str = prim::Constant[value="careful"]()""", """   = aten::warn(%m, %two)""", "aten::warn")]
    [InlineData("""  %m : Tensor = aten::neg(%x)""", """   = prim::Print(%m)""", "prim::Print")]
    [InlineData("""  %m : Tensor = aten::neg(%x)""", """   = prim::SetAttr[name="w"](%self, %m)""", "prim::SetAttr")]
    [InlineData("""  %m : int = prim::Constant[value=1]()""", """  %r : Tensor = aten::add_(%x, %m, %m)""", "aten::add_")]
    public void KeepsSideEffectsAndWritesToInputs(string def, string effect, string kind)
    {
        RunAndCheck(new EliminateDeadCode(), $"""
            graph(%self : __torch__.M,
                  %x : Tensor):
              %none : NoneType = prim::Constant()
              %two : int = prim::Constant[value=2]()
            {def}
            {effect}
              return (%two)
            # CHECK: {kind}
            """);
    }

    [Fact]
    public void KeepsWritesToLiveValuesAndTheirViewsButNotToDeadOnes()
    {
        RunAndCheck(new EliminateDeadCode(), """
            graph(%x : Tensor):
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::clone(%x, %one)
              %v : Tensor = aten::select(%a, %one, %one)
              %w : Tensor = aten::mul_(%v, %one)
              %d : Tensor = aten::clone(%x, %one)
              %e : Tensor = aten::relu_(%d)
              return (%a)
            # CHECK: aten::clone
            # CHECK-NEXT: aten::select
            # CHECK-NEXT: aten::mul_
            # CHECK-NOT: aten::relu_
            # CHECK: return
            """);
    }

    [Fact]
    public void KeepsAppendToAListThatIsRead()
    {
        RunAndCheck(new EliminateDeadCode(), """
            graph(%x : Tensor):
              %zero : int = prim::Constant[value=0]()
              %l : Tensor[] = prim::ListConstruct()
              %l2 : Tensor[] = aten::append(%l, %x)
              %n : int = aten::len(%l)
              %dead : Tensor[] = prim::ListConstruct()
              %dead2 : Tensor[] = aten::append(%dead, %x)
              return (%n)
            # CHECK: prim::ListConstruct
            # CHECK-NEXT: aten::append
            # CHECK-NEXT: aten::len
            # CHECK-NOT: aten::append
            """);
    }

    [Fact]
    public void RemovesUnusedIfOutputsAndWhatComputedThem()
    {
        RunAndCheck(new EliminateDeadCode(), """
            graph(%x : Tensor,
                  %c : bool):
              %y : Tensor, %z : Tensor = prim::If(%c)
                block0():
                  %a : Tensor = aten::relu(%x)
                  %b : Tensor = aten::sigmoid(%x)
                  -> (%a, %b)
                block1():
                  %p : Tensor = aten::neg(%x)
                  %q : Tensor = aten::tanh(%x)
                  -> (%p, %q)
              return (%y)
            # CHECK: %y : Tensor = prim::If(%c)
            # CHECK: aten::relu
            # CHECK-NOT: aten::sigmoid
            # CHECK: -> (%a)
            # CHECK: aten::neg
            # CHECK-NOT: aten::tanh
            # CHECK: -> (%p)
            """);
    }

    [Fact]
    public void RemovesAnIfWithNothingLive()
    {
        RunAndCheck(new EliminateDeadCode(), """
            graph(%x : Tensor,
                  %c : bool):
              %y : Tensor = prim::If(%c)
                block0():
                  %a : Tensor = aten::relu(%x)
                  -> (%a)
                block1():
                  -> (%x)
              return (%x)
            # CHECK-NOT: prim::If
            """);
    }

    [Fact]
    public void KeepsAnIfWhoseBranchRaises()
    {
        RunAndCheck(new EliminateDeadCode(), """
            graph(%x : Tensor,
                  %c : bool):
              %none : NoneType = prim::Constant()
              %m : str = prim::Constant[value="bad"]()
               = prim::If(%c)
                block0():
                   = prim::RaiseException(%m, %none)
                  -> ()
                block1():
                  -> ()
              return (%x)
            # CHECK: prim::If(%c)
            # CHECK: prim::RaiseException
            """);
    }

    [Fact]
    public void RemovesDeadLoopCarriedValuesButKeepsLiveOnes()
    {
        RunAndCheck(new EliminateDeadCode(), """
            graph(%x : Tensor,
                  %n : int):
              %t : bool = prim::Constant[value=1]()
              %one : int = prim::Constant[value=1]()
              %s : Tensor, %u : Tensor = prim::Loop(%n, %t, %x, %x)
                block0(%i : int, %acc : Tensor, %junk : Tensor):
                  %acc2 : Tensor = aten::add(%acc, %x, %one)
                  %junk2 : Tensor = aten::mul(%junk, %x)
                  -> (%t, %acc2, %junk2)
              return (%s)
            # CHECK: %s : Tensor = prim::Loop(%n, %t, %x)
            # CHECK-NEXT: block0(%i : int, %acc : Tensor):
            # CHECK-NEXT: aten::add
            # CHECK-NEXT: -> (%t, %acc2)
            """);
    }

    [Fact]
    public void KeepsLoopCarriedValuesReadInTheNextIteration()
    {
        // %b is unused after the loop but feeds %a in the next iteration.
        RunAndCheck(new EliminateDeadCode(), """
            graph(%x : Tensor,
                  %n : int):
              %t : bool = prim::Constant[value=1]()
              %one : int = prim::Constant[value=1]()
              %a : Tensor, %b : Tensor = prim::Loop(%n, %t, %x, %x)
                block0(%i : int, %a1 : Tensor, %b1 : Tensor):
                  %a2 : Tensor = aten::add(%a1, %b1, %one)
                  %b2 : Tensor = aten::mul(%b1, %x)
                  -> (%t, %a2, %b2)
              return (%a)
            # CHECK: %a : Tensor, %b : Tensor = prim::Loop(%n, %t, %x, %x)
            # CHECK: aten::add
            # CHECK: aten::mul
            """);
    }

    [Fact]
    public void KeepsMutationInALoopOfAValueUsedAfterIt()
    {
        RunAndCheck(new EliminateDeadCode(), """
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
            # CHECK: prim::Loop
            # CHECK: aten::add_
            """);
    }

    [Fact]
    public void RemovesALoopThatComputesNothingLive()
    {
        RunAndCheck(new EliminateDeadCode(), """
            graph(%x : Tensor,
                  %n : int):
              %t : bool = prim::Constant[value=1]()
              %s : Tensor = prim::Loop(%n, %t, %x)
                block0(%i : int, %acc : Tensor):
                  %acc2 : Tensor = aten::relu(%acc)
                  -> (%t, %acc2)
              return (%x)
            # CHECK-NOT: prim::Loop
            """);
    }

    /// <summary>
    /// The models whose forward the bytecode frontend turns into a graph (the transformer's
    /// <c>prim::is_nested</c> it does not yet); <see cref="NearlyEveryModelIsCovered"/> keeps the list honest.
    /// </summary>
    public static TheoryData<string> Models() => new(ModelFixture.Names().Where(BuildsAGraph));

    private static bool BuildsAGraph(string name)
    {
        try
        {
            JitModule.Load(ModelFixture.Get(name).ModelPath).MethodGraph("forward");
            return true;
        }
        catch (Errors.JitSchemaException)
        {
            return false;
        }
    }

    [Fact]
    public void NearlyEveryModelIsCovered() =>
        Assert.True(ModelFixture.Names().Count(BuildsAGraph) >= ModelFixture.Names().Count() - 1, "more than one model fixture has no forward graph");

    /// <summary>Every pass of this family, alone and in sequence, keeps every model's outputs equal to PyTorch's.</summary>
    [Theory]
    [MemberData(nameof(Models))]
    public void PassesKeepModelOutputs(string name)
    {
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        using var cpu = new CpuBackend(Device.Cpu);
        IGraphPass[][] pipelines =
        [
            [new EliminateDeadCode()],
            [new EliminateCommonSubexpression()],
            [new RemoveTensorMutation()],
            [new EliminateNoOpSlice()],
            [new RemoveDropout()],
            [new RemoveDropout(), new RemoveTensorMutation(), new EliminateNoOpSlice(), new EliminateCommonSubexpression(), new EliminateDeadCode()],
        ];
        foreach (var pipeline in pipelines)
        {
            var g = module.MethodGraph("forward").Copy();
            foreach (var pass in pipeline)
            {
                pass.Run(g);
                g.Lint();
            }
            var result = new Interpreter(g, cpu).Run([IValue.FromObject(module.Object), .. f.Inputs(module)]);
            f.AssertMatches(result.Length == 1 ? result[0] : IValue.FromTuple(result));
        }
    }
}
