using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Jit.Runtime.Static;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Static;

/// <summary>The memory planner: best-fit placement, reuse by liveness, views, escaping values; and the plan cache's guards.</summary>
public sealed class MemoryPlannerTests
{
    [Fact]
    public void PlaceReusesMemoryOfDeadBuffersAndKeepsLiveOnesApart()
    {
        LiveInterval[] intervals =
        [
            new(0, 100, 0, 1), // dead after step 1
            new(1, 100, 1, 2),
            new(2, 64, 2, 3),  // fits where buffer 0 was
            new(3, 200, 3, 4),
        ];
        var offsets = MemoryPlanner.Place(intervals, out long arena);
        Assert.All(offsets, o => Assert.Equal(0, o % MemoryPlanner.Alignment));
        for (int i = 0; i < intervals.Length; i++)
            for (int j = i + 1; j < intervals.Length; j++)
                if (intervals[i].Overlaps(intervals[j]))
                    Assert.True(Disjoint(intervals[i], offsets[i], intervals[j], offsets[j]), $"buffers {i} and {j} overlap");
        Assert.True(arena < 100 + 100 + 64 + 200, $"arena {arena} should reuse memory");
    }

    private static bool Disjoint(LiveInterval a, long oa, LiveInterval b, long ob) => oa + a.Bytes <= ob || ob + b.Bytes <= oa;

    private static StaticModule Plan(string ir, bool manageOutputs = false, params IValue[] inputs)
    {
        var graph = Graph.Parse(ir);
        using var cpu = new CpuBackend(Device.Cpu);
        return StaticModule.Create(graph, cpu, inputs, manageOutputs: manageOutputs);
    }

    private static Tensor X(params long[] sizes) => Tensor.Empty(DType.Float32, sizes);

    [Fact]
    public void AChainOfElementwiseOpsNeedsTwoBuffers()
    {
        var plan = Plan("""
            graph(%x : Float(16, 16)):
              %a : Tensor = aten::relu(%x)
              %b : Tensor = aten::tanh(%a)
              %c : Tensor = aten::sigmoid(%b)
              %d : Tensor = aten::exp(%c)
              return (%d)
            """, false, X(16, 16));
        // %d escapes (a graph output); %a, %b, %c live pairwise: two 1 KiB buffers suffice.
        Assert.Equal(3, plan.Memory.Tensors.Count);
        Assert.Equal(2 * 1024, plan.Memory.ArenaBytes);
        Assert.DoesNotContain(plan.Memory.Tensors, t => t.Value.DisplayName == "d");
    }

    [Fact]
    public void ManagedOutputsArePlannedToo()
    {
        var plan = Plan("""
            graph(%x : Float(4)):
              %a : Tensor = aten::relu(%x)
              %b : Tensor = aten::tanh(%a)
              return (%b)
            """, true, X(4));
        Assert.Contains(plan.Memory.Tensors, t => t.Value.DisplayName == "b");
    }

    [Fact]
    public void AViewKeepsItsBaseAliveAndAnEscapingViewUnplansItsBase()
    {
        var plan = Plan("""
            graph(%x : Float(2, 8)):
              %m1 : int = prim::Constant[value=-1]()
              %z : int = prim::Constant[value=0]()
              %a : Tensor = aten::relu(%x)
              %v : Tensor = aten::flatten(%a, %z, %m1)
              %b : Tensor = aten::tanh(%v)
              %c : Tensor = aten::add(%b, %v, %z)
              %d : Tensor = aten::relu(%x)
              %e : Tensor = aten::flatten(%d, %z, %m1)
              return (%c, %e)
            """, false, X(2, 8));
        var a = Assert.Single(plan.Memory.Tensors, t => t.Value.DisplayName == "a");
        var b = Assert.Single(plan.Memory.Tensors, t => t.Value.DisplayName == "b");
        // %v (a view of %a) is read when %c is computed, so %a stays live (and apart from %b) until then.
        int addIndex = plan.Graph.Block.Nodes.ToList().FindIndex(n => n.Kind == "aten::add");
        Assert.True(a.End >= addIndex && (a.Offset + a.Bytes <= b.Offset || b.Offset + b.Bytes <= a.Offset));
        // %e is an output and a view of %d: %d is not in the arena.
        Assert.DoesNotContain(plan.Memory.Tensors, t => t.Value.DisplayName == "d");
        var r = plan.CreateRuntime().Run(Tensor.FromArray(Enumerable.Range(0, 16).Select(i => i - 8f).ToArray(), 2, 8));
        Assert.Equal(16, r[1].AsTensor.NumElements);
    }

    [Fact]
    public void LoopsRunAndValuesUsedInALoopLiveThroughIt()
    {
        var graph = Graph.Parse("""
            graph(%x : Float(4),
                  %n : int):
              %t : bool = prim::Constant[value=1]()
              %one : int = prim::Constant[value=1]()
              %a : Tensor = aten::relu(%x)
              %y : Tensor = prim::Loop(%n, %t, %x)
                block0(%i : int, %acc : Tensor):
                  %s : Tensor = aten::add(%acc, %a, %one)
                  -> (%t, %s)
              %b : Tensor = aten::tanh(%y)
              return (%b)
            """);
        using var cpu = new CpuBackend(Device.Cpu);
        using var compiled = CompiledModule.Create(graph, cpu);
        var x = Tensor.FromArray(new[] { -1f, 0.5f, 0.25f, 0.125f }, 4);
        // Nine trips: more than the static runtime unrolls, so the loop stays a loop.
        var r9 = compiled.Run(x, 9)[0].AsTensor.ToDoubleArray();
        // relu(x) = [0, 0.5, 0.25, 0.125] added nine times to x, then tanh.
        Assert.Equal(new[] { -1, 5, 2.5, 1.25 }.Select(v => Math.Round(Math.Tanh(v), 6)), r9.Select(v => Math.Round(v, 6)));
        // A new value of %n is a new signature: a second plan, not a failure.
        var r0 = compiled.Run(x, 0)[0].AsTensor.ToDoubleArray();
        Assert.Equal(Math.Round(Math.Tanh(-1), 6), Math.Round(r0[0], 6));
        Assert.Equal(2, compiled.Plans.Count);
        var plan = compiled.PlanFor([x, 9]);
        var a = plan.Memory.Tensors.SingleOrDefault(t => t.Value.DisplayName == "a");
        Assert.NotNull(a);
        int loopIndex = plan.Graph.Block.Nodes.ToList().FindIndex(n => n.Kind == "prim::Loop");
        Assert.True(loopIndex >= 0 && a!.End >= loopIndex);
    }

    [Fact]
    public void ANewShapeReplansAndAWrongInputIsAClearError()
    {
        var graph = Graph.Parse("""
            graph(%x : Tensor):
              %a : Tensor = aten::relu(%x)
              %b : Tensor = aten::neg(%a)
              return (%b)
            """);
        using var cpu = new CpuBackend(Device.Cpu);
        using var compiled = CompiledModule.Create(graph, cpu);
        Assert.Equal(3, compiled.Run(X(3))[0].AsTensor.NumElements);
        Assert.Equal(10, compiled.Run(X(2, 5))[0].AsTensor.NumElements);
        Assert.Equal(3, compiled.Run(X(3))[0].AsTensor.NumElements);
        Assert.Equal(2, compiled.Plans.Count);
        var plan = compiled.PlanFor([X(3)]);
        var e = Assert.Throws<Errors.JitTypeException>(() => plan.CreateRuntime().Run(X(4)));
        Assert.Contains("signature", e.Message);
        Assert.Throws<Errors.JitTypeException>(() => compiled.Run(X(3), X(3)));
    }

    [Fact]
    public void DisposedModulesRefuseToRun()
    {
        var graph = Graph.Parse("""
            graph(%x : Tensor):
              %a : Tensor = aten::relu(%x)
              return (%a)
            """);
        using var cpu = new CpuBackend(Device.Cpu);
        var compiled = CompiledModule.Create(graph, cpu);
        compiled.Run(X(2));
        compiled.Dispose();
        Assert.Throws<ObjectDisposedException>(() => compiled.Run(X(2)));
    }
}
