using Jit.Tests.Cli;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Codegen.Spirv;

/// <summary><c>jit inspect --device vulkan --emit source</c> prints each kernel's SPIR-V listing, opening no device.</summary>
public sealed class SpirvInspectTests
{
    [Fact]
    public void InspectEmitsTheListingOfEveryKernel()
    {
        string dir = ExternalTools.FixturePath("models", "resnet_block");
        var r = CliHarness.Run("inspect", Path.Combine(dir, "model.ptmf"), "--device", "vulkan", "--emit", "source", "--input", Path.Combine(dir, "input0.npy"));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("kernels for vulkan", r.Out);
        Assert.Contains("(GroupPerRow, work", r.Out);
        Assert.Contains("OpEntryPoint GLCompute", r.Out);
        Assert.Contains("OpControlBarrier", r.Out);
        Assert.DoesNotContain("not rendered", r.Out);
    }
}
