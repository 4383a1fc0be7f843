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
/// through it. It fuses only groups of at least 4 ops (the other fixtures' groups are smaller; the
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

    [Fact]
    public void AFailedGuardRunsTheFallbackIntoThePlannedOutput()
    {
        // Inputs of the plan's sizes but transposed views: the group's TypeCheck fails, and the
        // fallback branch's result is written (or copied) where the fused group would have written.
        var module = JitModule.Load(ModelFixture.Get("elementwise").ModelPath);
        var rng = new Random(5);
        IValue Strided() => IValue.FromTensor(RandomTensor(rng, 37, 3).AsStrided([3, 37], [1, 3], 0));
        var inputs = new[] { Strided(), Strided() };
        using var cpu = new CpuBackend(Device.Cpu);
        using var compiled = module.Compile(cpu, new CompiledModuleOptions { Fusion = true });
        var reference = module.Forward(cpu, inputs);
        var outputs = new IValue[1];
        compiled.Run(inputs, outputs);
        ValueAssert.Close(reference, outputs[0], 1e-5, 1e-6, "fallback, new output");
        var destination = outputs[0].AsTensor;
        compiled.Run(inputs, outputs);
        Assert.Same(destination, outputs[0].AsTensor);
        ValueAssert.Close(reference, outputs[0], 1e-5, 1e-6, "fallback, into the caller's tensor");
        using var session = compiled.CreateSession();
        var managed = new IValue[1];
        session.Run(inputs, managed);
        ValueAssert.Close(reference, managed[0], 1e-5, 1e-6, "fallback, managed");
    }

    [Fact]
    public void FusedGroupsSplitAcrossCoresGiveTheSameBits()
    {
        // Big enough (64 x 1024) for the compiled group's outer loop to run in parallel.
        var module = JitModule.Load(ModelFixture.Get("elementwise").ModelPath);
        var rng = new Random(11);
        var inputs = new[] { IValue.FromTensor(RandomTensor(rng, 64, 1024)), IValue.FromTensor(RandomTensor(rng, 64, 1024)) };
        using var cpu = new CpuBackend(Device.Cpu);
        using var compiled = module.Compile(cpu, new CompiledModuleOptions { Fusion = true });
        int saved = Jit.Backends.Cpu.Kernels.CpuThreads.Count;
        try
        {
            Jit.Backends.Cpu.Kernels.CpuThreads.Count = 1;
            var one = compiled.Run(inputs)[0].AsTensor.ToDoubleArray();
            Jit.Backends.Cpu.Kernels.CpuThreads.Count = 2;
            var two = compiled.Run(inputs)[0].AsTensor.ToDoubleArray();
            Assert.Equal(one, two);
        }
        finally
        {
            Jit.Backends.Cpu.Kernels.CpuThreads.Count = saved;
        }
    }

    // Values in [-2, 2): inside every op's domain in the elementwise fixture.
    private static Jit.Tensors.Tensor RandomTensor(Random rng, long rows, long cols)
    {
        var t = Jit.Tensors.Tensor.Empty(Jit.Tensors.DType.Float32, rows, cols);
        for (long i = 0; i < t.NumElements; i++) t.SetDouble(i, rng.NextDouble() * 4 - 2);
        return t;
    }
}
