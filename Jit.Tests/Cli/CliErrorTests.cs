using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Cli;

/// <summary>Bad input gives one line on stderr and a non-zero exit, never a stack trace.</summary>
public sealed class CliErrorTests
{
    private static string Fixture(params string[] parts) => OpCaseFile.FixturePath(["run", .. parts]);

    private static CliHarness.Result RunWith(string graphText, params string[] inputs)
    {
        string dir = CliHarness.TempDir();
        string path = Path.Combine(dir, "g.ir");
        File.WriteAllText(path, graphText);
        var args = new List<string> { "run", path };
        foreach (var i in inputs) args.AddRange(["--input", i]);
        return CliHarness.Run([.. args]);
    }

    private static void AssertOneLineError(CliHarness.Result r, string expected)
    {
        Assert.Equal(1, r.ExitCode);
        var lines = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one line on stderr, got:\n" + r.Error);
        Assert.StartsWith("jit: error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", r.Error);
    }

    [Fact]
    public void MissingFile() => AssertOneLineError(CliHarness.Run("run", "no/such/model.ir"), "no such file");

    [Fact]
    public void MalformedIrNamesLineAndColumn() =>
        AssertOneLineError(RunWith("graph(%x : Tensor):\n  %y : Tensor = aten::relu(%x\n  return (%y)\n"), "g.ir:2:");

    [Fact]
    public void UnknownOpIsNamed() =>
        AssertOneLineError(RunWith("graph(%x : Tensor):\n  %y : Tensor = aten::no_such_op(%x)\n  return (%y)\n", Fixture("for_loop", "input0.npy")),
            "aten::no_such_op");

    [Fact]
    public void WrongArityOfAnOp() =>
        AssertOneLineError(RunWith("graph(%x : Tensor):\n  %y : Tensor = aten::relu(%x, %x)\n  return (%y)\n", Fixture("for_loop", "input0.npy")),
            "aten::relu");

    [Fact]
    public void WrongNumberOfInputs() =>
        AssertOneLineError(RunWith("graph(%x : Tensor, %z : Tensor):\n  return (%x)\n", Fixture("for_loop", "input0.npy")),
            "takes 2 inputs");

    [Fact]
    public void MalformedNpy()
    {
        string dir = CliHarness.TempDir();
        string bad = Path.Combine(dir, "bad.npy");
        File.WriteAllBytes(bad, [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 200, 0, 1, 2]);
        AssertOneLineError(RunWith("graph(%x : Tensor):\n  return (%x)\n", bad), "bad.npy");
    }

    [Fact]
    public void ShapeMismatchNamesBothShapes()
    {
        string dir = CliHarness.TempDir();
        string a = Path.Combine(dir, "a.npy"), b = Path.Combine(dir, "b.npy");
        Jit.Serialization.Npy.NpyFormat.Write(a, Jit.Tensors.Tensor.FromArray(new float[] { 1, 2, 3 }, 3));
        Jit.Serialization.Npy.NpyFormat.Write(b, Jit.Tensors.Tensor.FromArray(new float[] { 1, 2 }, 2));
        var r = RunWith("graph(%x : Tensor, %y : Tensor):\n  %one : int = prim::Constant[value=1]()\n  %z : Tensor = aten::add(%x, %y, %one)\n  return (%z)\n", a, b);
        AssertOneLineError(r, "[3]");
        Assert.Contains("[2]", r.Error);
    }

    [Fact]
    public void UnavailableDeviceNamesIt() =>
        AssertOneLineError(CliHarness.Run("run", Fixture("for_loop", "graph.ir"), "--device", "cuda:0",
            "--input", Fixture("for_loop", "input0.npy"), "--input", Fixture("for_loop", "input1.npy")), "cuda:0");

    [Fact]
    public void MalformedDeviceString() =>
        AssertOneLineError(CliHarness.Run("run", Fixture("for_loop", "graph.ir"), "--device", "gpu:x"), "unknown device type 'gpu'");

    [Fact]
    public void ScriptRaiseIsReported() =>
        AssertOneLineError(RunWith("graph(%x : Tensor):\n  %m : str = prim::Constant[value=\"boom\"]()\n   = prim::RaiseException(%m)\n  return (%x)\n",
            Fixture("for_loop", "input0.npy")), "boom");
}
