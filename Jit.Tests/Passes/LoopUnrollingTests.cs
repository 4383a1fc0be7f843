using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Passes;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Passes;

public sealed class LoopUnrollingTests
{
    private static string ForLoop(int trips) => $$"""
        graph(%x : Tensor):
          %n : int = prim::Constant[value={{trips}}]()
          %t : bool = prim::Constant[value=1]()
          %y : Tensor = prim::Loop(%n, %t, %x)
            block0(%i : int, %acc : Tensor):
              %next : Tensor = aten::add(%acc, %acc, %i)
              -> (%t, %next)
          return (%y)

        """;

    private static double[] Run(Graph g, params float[] x)
    {
        using var cpu = new CpuBackend(Device.Cpu);
        return new Interpreter(g, cpu).Run([IValue.FromTensor(Tensor.FromArray(x, x.Length))])[0].AsTensor.ToDoubleArray();
    }

    [Fact]
    public void SmallConstantLoopsUnrollFullyWithTheSameResult()
    {
        var g = Graph.Parse(ForLoop(3));
        var expected = Run(g.Copy(), 1f, 2f);
        Assert.True(new LoopUnrolling().Run(g));
        g.Lint();
        FileCheck.Run("""
            # CHECK-NOT: prim::Loop
            # CHECK: int = prim::Constant[value=0]()
            # CHECK-NEXT: aten::add(%x, %x,
            # CHECK: int = prim::Constant[value=1]()
            # CHECK-NEXT: aten::add(
            # CHECK: int = prim::Constant[value=2]()
            # CHECK-NEXT: aten::add(
            # CHECK-NEXT: return (
            """, g);
        Assert.Equal(expected, Run(g, 1f, 2f));
    }

    [Fact]
    public void ZeroTripLoopsBecomeTheirInitialValues()
    {
        var g = Graph.Parse(ForLoop(0));
        Assert.True(new LoopUnrolling().Run(g));
        g.Lint();
        FileCheck.Run("""
            # CHECK-NOT: prim::Loop
            # CHECK: return (%x)
            """, g);
    }

    [Fact]
    public void LargeLoopsStay()
    {
        var g = Graph.Parse(ForLoop(9));
        Assert.False(new LoopUnrolling().Run(g));
        FileCheck.Run("# CHECK: prim::Loop", g);
        Assert.True(new LoopUnrolling(maxTripCount: 9).Run(g));
        g.Lint();
    }

    [Fact]
    public void WhileLoopsAndUnknownTripCountsStay()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor,
                  %n : int):
              %three : int = prim::Constant[value=3]()
              %t : bool = prim::Constant[value=1]()
              %y : Tensor = prim::Loop(%n, %t, %x)
                block0(%i : int, %acc : Tensor):
                  %next : Tensor = aten::neg(%acc)
                  -> (%t, %next)
              %z : Tensor = prim::Loop(%three, %t, %y)
                block0(%j : int, %acc2 : Tensor):
                  %next2 : Tensor = aten::neg(%acc2)
                  %go : bool = aten::lt(%j, %n)
                  -> (%go, %next2)
              return (%z)

            """);
        Assert.False(new LoopUnrolling().Run(g));
        FileCheck.Run("# CHECK-COUNT-2: prim::Loop", g);
        g.Lint();
    }

    [Fact]
    public void NestedLoopsUnrollInnerFirst()
    {
        var g = Graph.Parse("""
            graph(%x : Tensor):
              %two : int = prim::Constant[value=2]()
              %t : bool = prim::Constant[value=1]()
              %y : Tensor = prim::Loop(%two, %t, %x)
                block0(%i : int, %acc : Tensor):
                  %inner : Tensor = prim::Loop(%two, %t, %acc)
                    block0(%j : int, %acc2 : Tensor):
                      %s : Tensor = aten::add(%acc2, %acc2, %j)
                      -> (%t, %s)
                  -> (%t, %inner)
              return (%y)

            """);
        var expected = Run(g.Copy(), 1f, -1f);
        Assert.True(new LoopUnrolling().Run(g));
        g.Lint();
        Assert.DoesNotContain(g.AllNodes(), n => n.Kind == "prim::Loop");
        Assert.Equal(4, g.Nodes.Count(n => n.Kind == "aten::add"));
        Assert.Equal(expected, Run(g, 1f, -1f));
    }

    private static string WhileLoop(int limit) => $$"""
        graph(%x : Tensor):
          %n : int = prim::Constant[value={{limit}}]()
          %zero : int = prim::Constant[value=0]()
          %one : int = prim::Constant[value=1]()
          %max : int = prim::Constant[value=9223372036854775807]()
          %go : bool = prim::Constant[value=1]()
          %y : Tensor, %k : int = prim::Loop(%max, %go, %x, %zero)
            block0(%i : int, %acc : Tensor, %count : int):
              %next : Tensor = aten::add(%acc, %acc, %i)
              %more : int = aten::add(%count, %one)
              %again : bool = aten::lt(%more, %n)
              -> (%again, %next, %more)
          return (%y)

        """;

    [Fact]
    public void WhileLoopsCountingToAConstantUnrollWithTheSameResult()
    {
        var g = Graph.Parse(WhileLoop(3));
        var expected = Run(g.Copy(), 1f, 2f);
        Assert.True(new LoopUnrolling().Run(g));
        g.Lint();
        Assert.DoesNotContain(g.AllNodes(), n => n.Kind == "prim::Loop");
        Assert.Equal(3, g.Nodes.Count(n => n.Kind == "aten::add" && n.Output().Type is TensorType));
        Assert.Equal(expected, Run(g, 1f, 2f));
    }

    [Fact]
    public void WhileLoopsThatRunPastTheLimitOrReadTensorsStay()
    {
        var g = Graph.Parse(WhileLoop(9));
        Assert.False(new LoopUnrolling().Run(g));
        FileCheck.Run("# CHECK: prim::Loop", g);
        var data = Graph.Parse("""
            graph(%x : Tensor):
              %zero : int = prim::Constant[value=0]()
              %max : int = prim::Constant[value=5]()
              %t : bool = prim::Constant[value=1]()
              %y : Tensor = prim::Loop(%max, %t, %x)
                block0(%i : int, %acc : Tensor):
                  %next : Tensor = aten::neg(%acc)
                  %s : Scalar = aten::item(%next)
                  %again : bool = aten::gt(%s, %zero)
                  -> (%again, %next)
              return (%y)

            """);
        Assert.False(new LoopUnrolling().Run(data));
        FileCheck.Run("# CHECK: prim::Loop", data);
    }
}
