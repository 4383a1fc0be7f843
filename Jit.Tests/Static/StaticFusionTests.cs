using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Jit.Tests.Models;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Static;

/// <summary>
/// Where the backend compiles fusion groups, the static runtime plans fused graphs and runs the groups
/// through it. It fuses only groups of at least 8 ops (the other fixtures' groups are smaller; the
/// fuser and lowering tests cover those through the interpreter).
/// </summary>
public sealed class StaticFusionTests
{
    [Theory]
    [InlineData("elementwise")]
    [InlineData("int_bool")]
    public void FusedPlansGivePyTorchsOutputsAndCompileEachGroupOnce(string name)
    {
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        using var backend = new FusingBackend();
        using var compiled = module.Compile(backend, new CompiledModuleOptions { Fusion = true });
        var inputs = f.Inputs(module);
        for (int run = 0; run < 3; run++)
        {
            var outputs = compiled.Run(inputs);
            f.AssertMatches(outputs.Length == 1 ? outputs[0] : IValue.FromTuple(outputs));
        }
        Assert.True(backend.Compiler.Compiled > 0, "no fusion group reached the compiler");
        int afterFirstPlan = backend.Compiler.Compiled;
        compiled.Run(inputs);
        Assert.Equal(afterFirstPlan, backend.Compiler.Compiled);
    }

    [Theory]
    [InlineData("elementwise")]
    [InlineData("int_bool")]
    public void TheCpuCompilesEveryFusionGroupToIlAndMatchesPyTorch(string name)
    {
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        using var cpu = new CpuBackend(Device.Cpu);
        using var compiled = module.Compile(cpu, new CompiledModuleOptions { Fusion = true });
        var inputs = f.Inputs(module);
        var outputs = compiled.Run(inputs);
        f.AssertMatches(outputs.Length == 1 ? outputs[0] : IValue.FromTuple(outputs));
        var groups = compiled.PlanFor(inputs).Graph.AllNodes().Where(n => n.Kind == Interpreter.TensorExprGroupKind).ToList();
        Assert.NotEmpty(groups);
        foreach (var g in groups)
        {
            var subgraph = (Graph)g.GetAttribute(Jit.Ir.Text.IrPrinter.SubgraphAttribute)!.Value;
            Assert.NotNull(cpu.FusedKernelCompiler!.TryCompile(subgraph));
        }
    }
}
