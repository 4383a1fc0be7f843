using Jit.Errors;
using Jit.Ir;
using Jit.Passes;
using Jit.Tests.Cli;
using Jit.Tests.Models;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Passes;

/// <summary>The pass catalog, the pipeline runner with lint and JIT_LOG dumps, and <c>jit inspect --passes/--shapes/--count</c>.</summary>
public sealed class PassManagerTests
{
    private const string AddZero = """
        graph(%x : Float(2, 3)):
          %zero : int = prim::Constant[value=0]()
          %one : int = prim::Constant[value=1]()
          %a : Tensor = aten::add(%x, %zero, %one)
          return (%a)
        """;

    [Fact]
    public void CatalogCreatesPassesByNameAndRejectsUnknownOnes()
    {
        Assert.Contains("Peephole", PassCatalog.Names);
        foreach (var name in PassCatalog.Names.Where(n => n is not "Inline" and not "Freeze"))
            Assert.Equal(name, PassCatalog.Create(name).Name);
        var e = Assert.Throws<JitException>(() => PassCatalog.Create("NoSuchPass"));
        Assert.Contains("Peephole", e.Message);
        // The default pipeline is the static runtime's order; what the catalog has runs in that order,
        // less the passes that need a module when there is none.
        var defaults = PassCatalog.Default().Select(p => p.Name).ToArray();
        Assert.Equal(PassCatalog.DefaultPipeline.Where(n => PassCatalog.Contains(n) && n is not "Inline" and not "Freeze"), defaults);
        var withModule = PassCatalog.Default(new PassContext(Jit.Modules.JitModule.Load(Models.ModelFixture.Get("mlp").ModelPath)));
        Assert.Equal(PassCatalog.DefaultPipeline.Where(PassCatalog.Contains), withModule.Select(p => p.Name));
        var e2 = Assert.Throws<JitException>(() => PassCatalog.Create("Freeze"));
        Assert.Contains("needs the module", e2.Message);
        // Shapes last but for the conv fusion that needs them (it keeps the types it replaces).
        Assert.Equal(["PropagateShapes", "FuseConvAddRelu"], PassCatalog.DefaultPipeline.TakeLast(2));
    }

    [Fact]
    public void RunsTheListInOrderWithTimings()
    {
        var g = Graph.Parse(AddZero);
        var pm = PassManager.FromSpec("Peephole,PropagateShapes", new PassManagerOptions { Lint = true });
        Assert.True(pm.Run(g));
        Assert.Equal(["Peephole", "PropagateShapes"], pm.Timings.Select(t => t.Name));
        Assert.True(pm.Timings[0].Changed);
        new FileCheck().CheckNot("aten::add").Check("return (%x)").Run(g);
    }

    [Fact]
    public void JitLogDumpsTheGraphBeforeAndAfterTheNamedPasses()
    {
        var log = new StringWriter();
        var options = new PassManagerOptions { Lint = true, LogPasses = PassManagerOptions.ParseLogSpec("Peephole"), Log = log };
        PassManager.FromSpec("Peephole,PropagateShapes", options).Run(Graph.Parse(AddZero));
        new FileCheck().Check("[JIT_LOG] before Peephole:").Check("aten::add").Check("[JIT_LOG] after Peephole (changed):")
            .CheckNot("aten::add").CheckNot("PropagateShapes").Run(log.ToString());

        var all = new StringWriter();
        PassManager.FromSpec("default", new PassManagerOptions { LogPasses = PassManagerOptions.ParseLogSpec("all"), Log = all }).Run(Graph.Parse(AddZero));
        new FileCheck().Check("before Peephole").Check("before FoldConvBatchNorm").Check("after PropagateShapes").Run(all.ToString());
    }

    [Fact]
    public void LintFailureNamesThePass()
    {
        var pm = new PassManager([new BreaksTheGraph()], new PassManagerOptions { Lint = true });
        var e = Assert.ThrowsAny<JitException>(() => pm.Run(Graph.Parse(AddZero)));
        Assert.Contains("after pass BreaksTheGraph", string.Join(" ", e.Context));
    }

    private sealed class BreaksTheGraph : IGraphPass
    {
        public string Name => nameof(BreaksTheGraph);

        public bool Run(Graph graph)
        {
            // Moves the add before the constants it uses: a use before its definition.
            var add = graph.Nodes.First(n => n.Kind == "aten::add");
            add.MoveBefore(graph.Nodes.First());
            return true;
        }
    }

    [Fact]
    public void InspectRunsPassesAndCountsTensorOps()
    {
        string dir = CliHarness.TempDir();
        string path = Path.Combine(dir, "g.ir");
        File.WriteAllText(path, AddZero);
        var r = CliHarness.Run("inspect", path, "--passes", "Peephole");
        Assert.True(r.ExitCode == 0, r.Error);
        new FileCheck().CheckNot("aten::add").Check("return (%x)").Run(r.Out);
        var c = CliHarness.Run("inspect", path, "--count");
        Assert.Equal("tensor-ops: 1", c.Out.Trim());
        var bad = CliHarness.Run("inspect", path, "--passes", "Nope");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("unknown pass 'Nope'", bad.Error);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void InspectShapesIsSymbolicFromRanksAndCompleteFromInputs()
    {
        var f = ModelFixture.Get("mlp");
        var missing = CliHarness.Run("inspect", f.ModelPath, "--shapes");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("--input", missing.Error);

        var complete = CliHarness.Run(["inspect", f.ModelPath, "--passes", "default", "--shapes", .. f.InputPaths.SelectMany(p => new[] { "--input", p })]);
        Assert.True(complete.ExitCode == 0, complete.Error);
        new FileCheck().Check("%x : Float(4, 16)").Check("Float(4, 32) = aten::linear").Check("return").Run(complete.Out);

        string dir = CliHarness.TempDir();
        string path = Path.Combine(dir, "g.ir");
        File.WriteAllText(path, """
            graph(%x : Float(*, 3)):
              %r : Tensor = aten::relu(%x)
              return (%r)
            """);
        var symbolic = CliHarness.Run("inspect", path, "--shapes");
        Assert.True(symbolic.ExitCode == 0, symbolic.Error);
        new FileCheck().Check("%x : Float(SS(-1), 3)").Check("%r : Float(SS(-1), 3) = aten::relu").Run(symbolic.Out);
        Directory.Delete(dir, true);
    }

    [Theory]
    [MemberData(nameof(ShapeAnalysisTests.LoadableModels), MemberType = typeof(ShapeAnalysisTests))]
    public void DefaultPipelineKeepsFixturesRunningAndLinted(string name)
    {
        var f = ModelFixture.Get(name);
        var module = Jit.Modules.JitModule.Load(f.ModelPath);
        var graph = module.MethodGraph("forward").Copy();
        using var cpu = new Jit.Backends.Cpu.CpuBackend(Jit.Runtime.Device.Cpu);
        PassManager.Default(new PassManagerOptions { Lint = true }, new PassContext(module, cpu)).Run(graph);
        Assert.DoesNotContain(graph.AllNodes(), n => n.Kind is "prim::CallMethod");
        var result = new Jit.Runtime.Interpreter(graph, cpu).Run([Jit.Runtime.IValue.FromObject(module.Object), .. f.Inputs(module)]);
        f.AssertMatches(result.Length == 1 ? result[0] : Jit.Runtime.IValue.FromTuple(result));
    }
}
