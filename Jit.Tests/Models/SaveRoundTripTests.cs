using Jit.Modules;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Models;

/// <summary>A module we save loads in PyTorch 1.13 (both of its flatbuffer loaders) and computes the same.</summary>
public sealed class SaveRoundTripTests
{
    [TorchFact]
    public void PyTorchLoadsSavedModelsAndGivesTheSameOutputs()
    {
        string dir = Path.Combine(Path.GetTempPath(), "jit-saved-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var names = ModelFixture.Names().ToArray();
            foreach (var name in names)
                JitModule.Load(ModelFixture.Get(name).ModelPath).Save(Path.Combine(dir, name + ".ptmf"));
            string script = ExternalTools.FixturePath("..", "..", "..", "..", "..", "tools", "check_saved_models.py");
            Assert.True(File.Exists(script), $"tools/check_saved_models.py not found from {AppContext.BaseDirectory}");
            var (code, stdout, stderr) = ExternalTools.Run(ExternalTools.TorchPython!,
                [script, ExternalTools.FixturePath("models"), dir], TimeSpan.FromMinutes(5));
            Assert.True(code == 0, $"PyTorch rejected a saved module:\n{stdout}\n{stderr}");
            foreach (var name in names) Assert.Contains($"{name} ok", stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SavedModuleLoadsBackAndRunsTheSame()
    {
        var f = ModelFixture.Get("control_flow");
        string path = Path.Combine(Path.GetTempPath(), "jit-save-" + Guid.NewGuid().ToString("N")[..8] + ".ptmf");
        try
        {
            JitModule.Load(f.ModelPath).Save(path);
            var again = JitModule.Load(path);
            using var cpu = new Jit.Backends.Cpu.CpuBackend(Jit.Runtime.Device.Cpu);
            f.AssertMatches(again.Forward(cpu, f.Inputs(again)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
