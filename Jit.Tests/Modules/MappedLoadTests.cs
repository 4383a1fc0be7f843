using Jit.Modules;
using Jit.Serialization;
using Jit.Tests.Models;
using Xunit;

namespace Jit.Tests.Modules;

public sealed class MappedLoadTests
{
    [Fact]
    public void AMappedModuleRunsAndItsWeightsCanBeWrittenWithoutTouchingTheFile()
    {
        var f = ModelFixture.Get("cnn");
        string path = Path.Combine(Path.GetTempPath(), "jit-mapped-" + Guid.NewGuid().ToString("N")[..8] + ".ptmf");
        File.Copy(f.ModelPath, path);
        try
        {
            byte[] before = File.ReadAllBytes(path);
            var module = JitModule.Load(MappedFile.Map(path));
            using var cpu = new Jit.Backends.Cpu.CpuBackend(Jit.Runtime.Device.Cpu);
            f.AssertMatches(module.Forward(cpu, f.Inputs(module)));
            // Copy-on-write: writing a weight changes this process's view only.
            var weight = module.Object.GetAttr("conv1").AsObject.GetAttr("weight").AsTensor;
            weight.SetDouble(0, 123.0);
            Assert.Equal(123.0, weight.GetDouble(0));
            Assert.Equal(before, File.ReadAllBytes(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
