using Jit.Backends.Cpu;
using Jit.Codegen.Spirv;
using Jit.Modules;
using Jit.Passes;
using Jit.Runtime;
using Jit.TensorExpr.Lowering;
using Jit.Tests.Models;
using Xunit;

namespace Jit.Tests.Codegen.Spirv;

/// <summary>Every fusion group of every model fixture, fused as profiled, emits a valid SPIR-V module.</summary>
public sealed class SpirvModelTests
{
    [SpirvValFact]
    public void EveryFusionGroupOfTheFixturesValidates()
    {
        using var cpu = new CpuBackend(Device.Cpu);
        var modules = new List<(string, SpirvProgram)>();
        foreach (var name in ModelFixture.Names())
        {
            var f = ModelFixture.Get(name);
            var module = JitModule.Load(f.ModelPath);
            var graph = module.MethodGraph("forward").Copy();
            PassManager.Default(context: new PassContext(module, cpu)).Run(graph);
            new TensorExprFuser().RunProfiled(graph, f.Inputs(module));
            var groups = TensorExprFuser.Groups(graph);
            for (int g = 0; g < groups.Count; g++)
                modules.Add(($"{name} group {g}", VulkanRenderer.Render(TeLowering.LowerGroup(TensorExprFuser.Subgraph(groups[g]), $"group{g}"))));
        }
        Assert.NotEmpty(modules);
        SpirvValidator.AssertValid(modules);
    }
}
