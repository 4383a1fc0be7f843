using Jit.Backends.Cpu;
using Jit.Modules;
using Jit.Runtime;
using Jit.Tests.Models;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Static;

/// <summary>Every model fixture through the static runtime: PyTorch's outputs, the interpreter's outputs, managed or not.</summary>
public sealed class StaticFixtureTests
{
    public static TheoryData<string> Models() => new(ModelFixture.Names());

    internal static CompiledModule Compile(JitModule module, bool fuse = false) =>
        module.Compile("cpu", new CompiledModuleOptions { Registry = new BackendRegistry().AddCpu(), Fusion = fuse });

    [Theory]
    [MemberData(nameof(Models))]
    public void StaticRuntimeMatchesPyTorchAndTheInterpreter(string name)
    {
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        using var compiled = Compile(module);
        var result = compiled.Forward(inputs);
        f.AssertMatches(result);

        using var cpu = new CpuBackend(Device.Cpu);
        var reference = module.Forward(cpu, inputs);
        ValueAssert.Close(reference, result, 1e-5, 1e-6, $"{name}: static vs interpreter");

        // A second call reuses the plan and a pooled runtime; managed outputs give the same values.
        ValueAssert.Close(reference, compiled.Forward(inputs), 1e-5, 1e-6, $"{name}: second run");
        using var session = compiled.CreateSession();
        var managed = new IValue[compiled.OutputCount];
        session.Run(inputs, managed);
        ValueAssert.Close(reference, managed.Length == 1 ? managed[0] : IValue.FromTuple(managed), 1e-5, 1e-6, $"{name}: managed outputs");
        Assert.Single(compiled.Plans, p => !p.ManagedOutputs);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void PlansPlaceIntermediatesWithoutOverlap(string name)
    {
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        using var compiled = Compile(module);
        var plan = compiled.PlanFor(f.Inputs(module));
        var tensors = plan.Memory.Tensors;
        foreach (var a in tensors)
        {
            Assert.True(a.Offset % Jit.Runtime.Static.MemoryPlanner.Alignment == 0);
            Assert.True(a.Offset + a.Bytes <= plan.Memory.ArenaBytes);
            foreach (var b in tensors)
            {
                if (ReferenceEquals(a, b) || a.Start > b.End || b.Start > a.End || a.Bytes == 0 || b.Bytes == 0) continue;
                Assert.True(a.Offset + a.Bytes <= b.Offset || b.Offset + b.Bytes <= a.Offset,
                    $"{name}: %{a.Value.DisplayName} and %{b.Value.DisplayName} are live together but overlap");
            }
        }
    }
}
