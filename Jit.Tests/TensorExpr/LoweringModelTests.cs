using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Modules;
using Jit.Passes;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.TensorExpr.Lowering;
using Jit.Tensors;
using Jit.Ops;
using Jit.Tests.Cli;
using Jit.Tests.Models;
using Xunit;

namespace Jit.Tests.TensorExpr;

/// <summary>Every fusion group of every model fixture lowers, and its kernel computes what the interpreter computes for the group on the fixture's inputs.</summary>
public sealed class LoweringModelTests(ITestOutputHelper log)
{
    public static TheoryData<string> Models() => new(ModelFixture.Names());

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryFusionGroupLowersAndMatchesTheInterpreter(string name)
    {
        using var cpu = new CpuBackend(Device.Cpu);
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        var graph = module.MethodGraph("forward").Copy();
        PassManager.Default(new PassManagerOptions { Lint = true }, new PassContext(module, cpu)).Run(graph);
        new TensorExprFuser().RunProfiled(graph, f.Inputs(module));
        var groups = TensorExprFuser.Groups(graph);
        var kernels = groups.ToDictionary(g => g, g => TeLowering.LowerGroup(TensorExprFuser.Subgraph(g), "group"));

        // The values each group sees and computes when the interpreter runs the fused graph.
        var seen = new Dictionary<Value, IValue>();
        IValue[] args = [IValue.FromObject(module.Object), .. f.Inputs(module)];
        for (int i = 0; i < args.Length; i++) seen[graph.Inputs[i]] = args[i];
        new Interpreter(graph, cpu) { Observer = (v, x) => seen[v] = x }.Run(args);

        int checkedGroups = 0;
        foreach (var g in groups)
        {
            if (!g.Outputs.All(seen.ContainsKey)) continue;
            var inputs = g.Inputs.Select(v => AsTensor(seen[v])).ToArray();
            var got = TeEvaluator.Run(kernels[g], inputs);
            for (int o = 0; o < g.Outputs.Count; o++)
                LoweringHarness.AssertClose(seen[g.Outputs[o]].AsTensor, got[o], $"{name} group output {o}\n{kernels[g]}");
            checkedGroups++;
        }
        log.WriteLine($"{name}: {groups.Count} groups lowered, {checkedGroups} run and checked");
        // A group this input does not reach lies on a branch it did not take (transformer's slow
        // path behind the encoder layer's fast path): lowered above, not run. Top-level ones all run.
        Assert.All(groups.Where(g => !g.Outputs.All(seen.ContainsKey)), g => Assert.NotSame(graph.Block, g.Owner));
    }

    [Fact]
    public void EveryFusibleOpOfTheRegistryHasALowering()
    {
        // Lists of tensors are never constants, so the fuser never groups these.
        string[] listOps = ["aten::cat", "aten::concat", "aten::stack"];
        var missing = OpRegistry.Default.All
            .Where(o => o.Kind is OpKind.Elementwise or OpKind.Reduction && !o.MutatesInputs && !o.IsNondeterministic && !o.HasSideEffects)
            .Select(o => o.Schema.QualifiedOverloadName)
            .Where(n => LoweringTable.Find(n) is null && !listOps.Contains(n))
            .ToArray();
        Assert.True(missing.Length == 0, "fusible ops without a lowering: " + string.Join(", ", missing));
    }

    [Fact]
    public void InspectFusionPrintsEachGroupsKernel()
    {
        var f = ModelFixture.Get("control_flow");
        var args = new List<string> { "inspect", f.ModelPath, "--fusion" };
        foreach (var p in f.InputPaths) args.AddRange(["--input", p]);
        var r = CliHarness.Run([.. args]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("# TensorExprGroup_0 kernel:", r.Out);
        Assert.Contains("kernel TensorExprGroup_0(", r.Out);
        Assert.Contains("kernel TensorExprGroup_1(", r.Out);
    }

    // Number inputs of a kernel are rank-0 buffers (TeLowering's contract).
    private static Tensor AsTensor(IValue v) =>
        v.IsTensor ? v.AsTensor : v.IsDouble ? Tensor.Scalar(v.AsDouble, DType.Float64) : v.IsBool ? Tensor.Scalar(v.AsBool) : Tensor.Scalar(v.AsInt);
}
