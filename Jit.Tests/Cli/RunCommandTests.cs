using Jit.Serialization.Npy;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Cli;

/// <summary><c>jit run</c> on graphs PyTorch printed, against PyTorch's outputs.</summary>
public sealed class RunCommandTests
{
    public static TheoryData<string> RunFixtures()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(OpCaseFile.FixturePath("run")).Order())
            data.Add(Path.GetFileName(dir));
        return data;
    }

    [Theory]
    [MemberData(nameof(RunFixtures))]
    public void GivesPyTorchsOutputs(string name)
    {
        string dir = OpCaseFile.FixturePath("run", name);
        var inputs = Directory.GetFiles(dir, "input*.npy").Order(StringComparer.Ordinal).ToArray();
        var expected = Directory.GetFiles(dir, "output*.npy").Order(StringComparer.Ordinal).ToArray();
        string outDir = CliHarness.TempDir();
        string outPath = Path.Combine(outDir, "out.npy");
        var args = new List<string> { "run", Path.Combine(dir, "graph.ir"), "--device", "cpu" };
        foreach (var i in inputs) args.AddRange(["--input", i]);
        args.AddRange(["--output", outPath]);

        var r = CliHarness.Run([.. args]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("ran on cpu", r.Error);
        for (int k = 0; k < expected.Length; k++)
        {
            string actualPath = expected.Length == 1 ? outPath : Path.Combine(outDir, $"out.{k}.npy");
            ValueAssert.TensorClose(NpyFormat.Read(expected[k]), NpyFormat.Read(actualPath), 1e-4, 1e-5, $"{name} output {k}");
        }
        Directory.Delete(outDir, true);
    }

    [Fact]
    public void TrailingInputsLeftOutTakeForwardsDefaultsAndSaySo()
    {
        // forward(self, x, mask: Optional[Tensor] = None, scale: float = 2.0), given only x.
        var f = Jit.Tests.Models.ModelFixture.Get("optional_args");
        string outDir = CliHarness.TempDir();
        string outPath = Path.Combine(outDir, "out.npy");
        var r = CliHarness.Run(["run", f.ModelPath, "--input", f.InputPaths[0], "--output", outPath]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("using forward's defaults: mask=None, scale=2", r.Error);
        ValueAssert.TensorClose(NpyFormat.Read(f.OutputPaths[0]), NpyFormat.Read(outPath), 1e-4, 1e-5, "optional_args");
        Directory.Delete(outDir, true);
    }

    [Fact]
    public void AnInputWithoutADefaultLeftOutIsAClearError()
    {
        var f = Jit.Tests.Models.ModelFixture.Get("optional_args");
        var r = CliHarness.Run(["run", f.ModelPath]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("the graph takes 3 inputs (%x : Tensor, %mask : Tensor?, %scale : float) but 0 were given", r.Error);
    }

    [Fact]
    public void InspectPrintsTheGraphAsPyTorchDid()
    {
        string path = OpCaseFile.FixturePath("run", "for_loop", "graph.ir");
        var r = CliHarness.Run("inspect", path);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(File.ReadAllText(path).TrimEnd(), r.Out.TrimEnd());
    }

    [Fact]
    public void OpsListsTheRegistry()
    {
        var r = CliHarness.Run("ops");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("aten::add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", r.Out);
        Assert.Contains("prim::", r.Out);
    }
}
