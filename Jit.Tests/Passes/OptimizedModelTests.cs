using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Modules;
using Jit.Passes;
using Jit.Runtime;
using Jit.Tests.Models;
using Xunit;

namespace Jit.Tests.Passes;

/// <summary>
/// What the default pipeline leaves in every model fixture's forward graph: no attribute reads,
/// no dropout, no in-place op that could be made functional, nothing dead, no duplicate pure node.
/// </summary>
public sealed class OptimizedModelTests
{
    public static TheoryData<string> Models() => new(ModelFixture.Names());

    private static Graph Optimize(string name)
    {
        var module = JitModule.Load(ModelFixture.Get(name).ModelPath);
        var graph = module.MethodGraph("forward").Copy();
        using var cpu = new CpuBackend(Device.Cpu);
        PassManager.Default(new PassManagerOptions { Lint = true }, new PassContext(module, cpu)).Run(graph);
        return graph;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void NoAttributeReadsDropoutOrCalls(string name)
    {
        var kinds = Optimize(name).AllNodes().Select(n => n.Kind).ToHashSet();
        Assert.DoesNotContain("prim::GetAttr", kinds);
        Assert.DoesNotContain("prim::CallMethod", kinds);
        foreach (var dropout in new[] { "aten::dropout", "aten::feature_dropout", "aten::alpha_dropout", "aten::dropout_" })
            Assert.DoesNotContain(dropout, kinds);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void CleanupPassesFindNothingLeft(string name)
    {
        var graph = Optimize(name);
        // Each of these would change the graph if the pipeline had left work for it.
        Assert.False(new EliminateDeadCode().Run(graph), "dead nodes left");
        Assert.False(new EliminateCommonSubexpression().Run(graph), "duplicate pure nodes left");
        Assert.False(new RemoveTensorMutation().Run(graph), "an in-place op that could be functional left");
        Assert.False(new RemoveDropout().Run(graph), "dropout left");
        graph.Lint();
    }

    [Fact]
    public void InPlaceOpsLeftAreOnlyTheOnesAliasAnalysisMustKeep()
    {
        // The transformer's masked_fill_ on its attention mask, which RemoveTensorMutation's alias
        // checks refuse to rewrite, goes with the mask path once the mask folds to None.
        foreach (var name in ModelFixture.Names())
        {
            var inPlace = Optimize(name).AllNodes()
                .Where(n => n.Kind.EndsWith('_') && !n.Kind.EndsWith("__", StringComparison.Ordinal)).Select(n => n.Kind).ToList();
            Assert.True(inPlace.Count == 0, $"{name}: in-place ops left: {string.Join(", ", inPlace)}");
        }
    }
}
