using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Models;
using Xunit;

namespace Jit.Tests.Static;

/// <summary>One compiled module shared by many threads; compile/run/dispose cycles that do not leak.</summary>
[Collection(nameof(MemoryMeasurementCollection))]
public sealed class StaticConcurrencyTests
{
    private static readonly CompiledModuleOptions Light = new() { Passes = "EliminateDeadCode" };

    /// <summary>Fixtures whose kernels keep per-thread or shared state: pooled runtimes, packed conv weights, attention workspaces, fused kernels' run contexts.</summary>
    public static TheoryData<string, bool> ConcurrentModels() => new()
    {
        { "shared_submodule", false }, { "resnet_block", false }, { "transformer", false }, { "elementwise", true }, { "cnn", true },
    };

    [Theory]
    [MemberData(nameof(ConcurrentModels))]
    public void SixteenThreadsGetTheSingleThreadedResult(string name, bool fuse)
    {
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = StaticFixtureTests.Compile(module, fuse);
        var expected = compiled.Run(inputs)[0].AsTensor.ToDoubleArray();
        const int threads = 16, runs = 1000;
        var failures = new int[threads];
        var workers = new Thread[threads];
        using var start = new ManualResetEventSlim();
        for (int t = 0; t < threads; t++)
        {
            int id = t;
            workers[t] = new Thread(() =>
            {
                start.Wait();
                var outputs = new IValue[1];
                for (int r = 0; r < runs; r++)
                {
                    // Alternate fresh outputs and caller-given destinations.
                    if (r % 2 == 0) outputs[0] = IValue.None;
                    compiled.Run(inputs, outputs);
                    if (!outputs[0].AsTensor.ToDoubleArray().AsSpan().SequenceEqual(expected)) failures[id]++;
                }
            });
            workers[t].Start();
        }
        start.Set();
        foreach (var w in workers) w.Join();
        Assert.All(failures, n => Assert.Equal(0, n));
        var plan = Assert.Single(compiled.Plans);
        Assert.InRange(plan.PooledRuntimes, 1, threads);
    }

    [Fact]
    public void CompileRunDisposeCyclesDoNotGrowMemory()
    {
        var graph = Graph.Parse("""
            graph(%x : Float(8, 8)):
              %one : int = prim::Constant[value=1]()
              %y : Tensor = aten::relu(%x)
              %z : Tensor = aten::add(%y, %x, %one)
              %w : Tensor = aten::mul(%z, %y)
              return (%w)
            """);
        var x = Tensor.FromArray(Enumerable.Range(0, 64).Select(i => i * 0.25f - 8).ToArray(), 8, 8);
        using var cpu = new CpuBackend(Device.Cpu);
        void Cycle()
        {
            // A one-pass pipeline keeps 10,000 compiles quick; planning and running are what is measured.
            using var compiled = CompiledModule.Create(graph, cpu, options: Light);
            compiled.Run(x);
        }
        Cycle();
        long first = Settled();
        for (int i = 0; i < 10_000; i++) Cycle();
        long last = Settled();
        Assert.True(last <= first * 1.05, $"memory after the first cycle: {first} bytes; after 10,000 more: {last} bytes");
    }

    private static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>Tests that measure the whole process's memory or threads run alone, not beside other tests.</summary>
[CollectionDefinition(nameof(MemoryMeasurementCollection), DisableParallelization = true)]
public sealed class MemoryMeasurementCollection;
