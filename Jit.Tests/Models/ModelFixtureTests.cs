using Jit.Backends.Cpu;
using Jit.Modules;
using Jit.Runtime;
using Jit.Serialization.Npy;
using Jit.Tests.Cli;
using Xunit;

namespace Jit.Tests.Models;

/// <summary>Every exported model loads and gives PyTorch's outputs, through the C# API and through <c>jit run</c>.</summary>
public sealed class ModelFixtureTests
{
    public static TheoryData<string> Models() => new(ModelFixture.Names());

    [Theory]
    [MemberData(nameof(Models))]
    public void ForwardMatchesPyTorch(string name)
    {
        var f = ModelFixture.Get(name);
        var module = JitModule.Load(f.ModelPath);
        using var cpu = new CpuBackend(Device.Cpu);
        f.AssertMatches(module.Forward(cpu, f.Inputs(module)));
    }

    [Fact]
    public void CallersMayLeaveOutTrailingInputsThatHaveDefaults()
    {
        // forward(self, x, mask: Optional[Tensor] = None, scale: float = 2.0): PyTorch serializes the None default as ivalue 0.
        var f = ModelFixture.Get("optional_args");
        var module = JitModule.Load(f.ModelPath);
        var x = IValue.FromTensor(NpyFormat.Read(f.InputPaths[0]));
        var defaults = module.ForwardDefaults();
        Assert.Null(defaults[0]);
        Assert.True(defaults[1] is { IsNone: true });
        Assert.Equal(2.0, defaults[2]!.Value.AsDouble);
        using var cpu = new CpuBackend(Device.Cpu);
        f.AssertMatches(module.Forward(cpu, x));
        using var compiled = module.Compile(cpu, new CompiledModuleOptions { Fusion = true });
        f.AssertMatches(compiled.Forward(x));
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void JitRunMatchesPyTorch(string name)
    {
        var f = ModelFixture.Get(name);
        string dir = CliHarness.TempDir();
        string outPath = Path.Combine(dir, "out.npy");
        var args = new List<string> { "run", f.ModelPath, "--device", "cpu", "--output", outPath };
        foreach (var p in f.InputPaths) args.AddRange(["--input", p]);
        var r = CliHarness.Run([.. args]);
        Assert.True(r.ExitCode == 0, r.Error);
        var expected = f.OutputPaths;
        for (int i = 0; i < expected.Count; i++)
        {
            string actual = expected.Count == 1 ? outPath : Path.Combine(dir, $"out.{i}.npy");
            Testing.ValueAssert.TensorClose(NpyFormat.Read(expected[i]), NpyFormat.Read(actual), 1e-4, 1e-5, $"{name} output {i}");
        }
        Directory.Delete(dir, true);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void InspectPrintsTheForwardGraph(string name)
    {
        var r = CliHarness.Run("inspect", ModelFixture.Get(name).ModelPath);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.StartsWith("graph(%self", r.Out);
        var reparsed = Jit.Ir.Graph.Parse(r.Out);
        reparsed.Lint();
    }

    [Fact]
    public void ModuleExposesItsObjectTreeAndMethods()
    {
        var module = JitModule.Load(ModelFixture.Get("shared_submodule").ModelPath);
        Assert.Contains("forward", module.MethodNames);
        var block = module.Object.GetAttr("block");
        Assert.True(block.IsObject);
        var linear = block.AsObject.GetAttr("0").AsObject;
        Assert.Equal(new long[] { 12, 12 }, linear.GetAttr("weight").AsTensor.SizesArray());
    }

    [Fact]
    public void MissingMethodIsAClearError()
    {
        var module = JitModule.Load(ModelFixture.Get("mlp").ModelPath);
        var e = Assert.Throws<Errors.JitException>(() => module.MethodGraph("predict"));
        Assert.Contains("no method 'predict'", e.Message);
    }
}
