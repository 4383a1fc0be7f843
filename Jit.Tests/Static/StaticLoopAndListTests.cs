using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Models;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Static;

/// <summary>
/// A plan's number inputs are constants of that plan, so small loops unroll into planned steps;
/// a list that never outlives the run is one list per runtime, refilled each run.
/// </summary>
public sealed class StaticLoopAndListTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public void EachNumberInputGetsAPlanWithItsLoopsUnrolled(long n)
    {
        var f = ModelFixture.Get("control_flow");
        var module = JitModule.Load(f.ModelPath);
        var inputs = new[] { f.Inputs(module)[0], IValue.FromInt(n) };
        using var cpu = new CpuBackend(Device.Cpu);
        var reference = module.Forward(cpu, inputs);
        using var compiled = StaticFixtureTests.Compile(module);
        ValueAssert.Close(reference, compiled.Forward(inputs), 1e-5, 1e-6, $"n = {n}");
        ValueAssert.Close(reference, compiled.Forward(inputs), 1e-5, 1e-6, $"n = {n}, second run");
        Assert.DoesNotContain(compiled.PlanFor(inputs).Graph.AllNodes(), x => x.Kind == "prim::Loop");
    }

    [Fact]
    public void AReturnedListIsANewListEachRun()
    {
        var graph = Graph.Parse("""
            graph(%x : Float(3)):
              %l : Tensor[] = prim::ListConstruct(%x)
              %y : Tensor = aten::neg(%x)
              %r : Tensor[] = aten::append(%l, %y)
              return (%l)
            """);
        using var cpu = new CpuBackend(Device.Cpu);
        using var compiled = CompiledModule.Create(graph, cpu);
        var x = Tensor.FromArray(new[] { 1f, 2f, 3f }, 3);
        var first = compiled.Run(x)[0].AsList;
        var second = compiled.Run(x)[0].AsList;
        Assert.NotSame(first, second);
        Assert.Equal(2, first.Count);
        Assert.Equal(2, second.Count);
        Assert.Empty(compiled.PlanFor([x]).ReusedLists);
    }

    [Fact]
    public void AListBuiltAndStackedInEachIterationIsReusedAndGivesTheInterpretersResult()
    {
        // Nine trips: more than the static runtime unrolls, so the list is built nine times a run.
        var graph = Graph.Parse("""
            graph(%x : Float(3)):
              %nine : int = prim::Constant[value=9]()
              %t : bool = prim::Constant[value=1]()
              %zero : int = prim::Constant[value=0]()
              %one : int = prim::Constant[value=1]()
              %false : bool = prim::Constant[value=0]()
              %none : NoneType = prim::Constant()
              %dims : int[] = prim::Constant[value=[0]]()
              %y : Tensor = prim::Loop(%nine, %t, %x)
                block0(%i : int, %acc : Tensor):
                  %l : Tensor[] = prim::ListConstruct(%acc)
                  %n : Tensor = aten::mul(%acc, %i)
                  %r : Tensor[] = aten::append(%l, %n)
                  %s : Tensor = aten::stack(%l, %zero)
                  %m : Tensor = aten::sum(%s, %dims, %false, %none)
                  %next : Tensor = aten::sub(%m, %acc, %one)
                  -> (%t, %next)
              return (%y)
            """);
        using var cpu = new CpuBackend(Device.Cpu);
        var x = Tensor.FromArray(new[] { 1f, -2f, 0.5f }, 3);
        var expected = new Interpreter(graph, cpu).Run([x])[0];
        using var compiled = CompiledModule.Create(graph, cpu);
        ValueAssert.Close(expected, compiled.Run(x)[0], 0, 0, "first run");
        ValueAssert.Close(expected, compiled.Run(x)[0], 0, 0, "second run");
        Assert.Single(compiled.PlanFor([x]).ReusedLists);
    }

    [Fact]
    public void CatsOfAListGrownByAppendsGetTheirRunTimeSizes()
    {
        // Each cat sees one more item than the last; the plan must not size the cats' buffers from
        // the list's construction (it once gave every cat x's shape).
        var graph = Graph.Parse(Passes.ShapeAnalysisTests.CatsOfAGrowingList);
        using var cpu = new CpuBackend(Device.Cpu);
        var x = Tensor.FromArray(new[] { 1f, -2f, 0.5f, 3f, -1f, 2f }, 1, 2, 3);
        var expected = new Interpreter(graph, cpu).Run([x]);
        Assert.Equal([1L, 8, 3], expected[2].AsTensor.SizesArray());
        using var compiled = CompiledModule.Create(graph, cpu);
        foreach (var run in new[] { "first run", "second run" })
        {
            var actual = compiled.Run(x);
            for (int i = 0; i < expected.Length; i++) ValueAssert.Close(expected[i], actual[i], 0, 0, $"{run}, output {i}");
        }
    }
}
