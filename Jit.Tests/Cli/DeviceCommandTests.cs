using Jit.Runtime;
using Jit.Tests.Models;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Cli;

/// <summary><c>jit check</c>, <c>jit inspect --plan</c> and <c>--emit source</c>, and <c>jit run --device opencl</c> and <c>vulkan</c>.</summary>
public sealed class DeviceCommandTests
{
    private static string[] InputArgs(ModelFixture f) => [.. f.InputPaths.SelectMany(p => new[] { "--input", p })];

    [OpenCLFact]
    public void CheckPrintsOneRowPerDeviceAndPasses()
    {
        var f = ModelFixture.Get("mlp");
        var r = CliHarness.Run(["check", f.ModelPath, "--devices", "cpu,opencl", .. InputArgs(f)]);
        Assert.True(r.ExitCode == 0, r.Out + r.Error);
        var rows = r.Out.Split('\n').Where(l => l.StartsWith("cpu ", StringComparison.Ordinal) || l.StartsWith("opencl", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Contains(" pass ", row));
    }

    [Fact]
    public void CheckFailsOnADeviceThatCannotStartAndSaysWhy()
    {
        var f = ModelFixture.Get("mlp");
        var r = CliHarness.Run(["check", f.ModelPath, "--devices", "cpu,cuda", .. InputArgs(f)]);
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("FAIL", r.Out);
        Assert.Contains("cuda", r.Out);
    }

    [VulkanFact]
    public void CheckPassesOnVulkan()
    {
        var f = ModelFixture.Get("mlp");
        var r = CliHarness.Run(["check", f.ModelPath, "--devices", "cpu,vulkan", .. InputArgs(f)]);
        Assert.True(r.ExitCode == 0, r.Out + r.Error);
        var rows = r.Out.Split('\n').Where(l => l.StartsWith("vulkan", StringComparison.Ordinal)).ToList();
        Assert.Single(rows);
        Assert.Contains(" pass ", rows[0]);
    }

    [VulkanFact]
    public void BenchProfileOnVulkanPrintsEachKernelsDeviceTime()
    {
        var f = ModelFixture.Get("elementwise");
        var r = CliHarness.Run(["bench", f.ModelPath, "--device", "vulkan", "--profile", .. InputArgs(f)]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("device time per kernel launch (Vulkan timestamp queries):", r.Out);
        Assert.Matches(@"µs  x\d+ +fused", r.Out);
    }

    [VulkanFact]
    public void RunOnVulkanWritesTheExampleOutput()
    {
        string output = Path.Combine(Path.GetTempPath(), $"jit-vulkan-{Guid.NewGuid():N}.npy");
        try
        {
            var f = ModelFixture.Get("resnet_block");
            var r = CliHarness.Run(["run", f.ModelPath, "--device", "vulkan", .. InputArgs(f), "--output", output]);
            Assert.True(r.ExitCode == 0, r.Error);
            Assert.Contains("ran on vulkan:0", r.Error);
            f.AssertMatches(IValue.FromTensor(Jit.Serialization.Npy.NpyFormat.Read(output)));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [OpenCLFact]
    public void PlanOnOpenCLHasNoHostSteps()
    {
        var f = ModelFixture.Get("cnn");
        var r = CliHarness.Run(["inspect", f.ModelPath, "--plan", "--device", "opencl", .. InputArgs(f)]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("0 tensor ops on the host", r.Out);
        Assert.DoesNotContain("[host]", r.Out);
    }

    [Fact]
    public void EmitSourcePrintsOpenCLCWithoutADevice()
    {
        var f = ModelFixture.Get("mlp");
        var r = CliHarness.Run(["inspect", f.ModelPath, "--device", "opencl", "--emit", "source", .. InputArgs(f)]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("__kernel", r.Out);
        Assert.Contains("// aten::linear", r.Out);
        Assert.Contains("barrier(CLK_LOCAL_MEM_FENCE)", r.Out);
    }

    [Fact]
    public void EmitSourceForADeviceWithoutARendererIsAClearError()
    {
        var f = ModelFixture.Get("mlp");
        var r = CliHarness.Run(["inspect", f.ModelPath, "--device", "cpu", "--emit", "source"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no kernel renderer for 'cpu'", r.Error);
    }

    [OpenCLFact]
    public void RunOnOpenCLWritesPyTorchsOutput()
    {
        var f = ModelFixture.Get("resnet_block");
        string output = Path.Combine(CliHarness.TempDir(), "out.npy");
        var r = CliHarness.Run(["run", f.ModelPath, "--device", "opencl", "--output", output, .. InputArgs(f)]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("ran on opencl", r.Error);
        f.AssertMatches(Jit.Runtime.IValue.FromTensor(Jit.Serialization.Npy.NpyFormat.Read(output)));
    }
}
