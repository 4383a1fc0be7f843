using System.Text.Json;
using Jit.Backends.Cpu.Kernels;
using Jit.Serialization.Npy;
using Jit.Tests.Cli;
using Jit.Tests.Models;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Static;

/// <summary><c>jit run</c> through the static runtime or (<c>--interpreter</c>) the interpreter, and <c>jit bench --json</c>.</summary>
public sealed class StaticCliTests
{
    private static string[] Args(string command, ModelFixture f, params string[] more)
    {
        var args = new List<string> { command, f.ModelPath, "--device", "cpu" };
        foreach (var p in f.InputPaths) args.AddRange(["--input", p]);
        args.AddRange(more);
        return [.. args];
    }

    [Theory]
    [InlineData("control_flow")]
    [InlineData("tuple_out")]
    public void RunWithTheInterpreterGivesTheSameOutputs(string name)
    {
        var f = ModelFixture.Get(name);
        string dir = CliHarness.TempDir();
        var a = CliHarness.Run(Args("run", f, "--output", Path.Combine(dir, "static.npy")));
        var b = CliHarness.Run(Args("run", f, "--interpreter", "--output", Path.Combine(dir, "interp.npy")));
        Assert.True(a.ExitCode == 0, a.Error);
        Assert.True(b.ExitCode == 0, b.Error);
        var files = Directory.GetFiles(dir, "static*.npy").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(files);
        foreach (var s in files)
            ValueAssert.TensorClose(NpyFormat.Read(s.Replace("static", "interp")), NpyFormat.Read(s), 1e-5, 1e-6, s);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void BenchJsonReportsLatencyAllocationAndArena()
    {
        var r = CliHarness.Run(Args("bench", ModelFixture.Get("mlp"), "--json"));
        Assert.True(r.ExitCode == 0, r.Error);
        var last = r.Out.Trim().Split('\n')[^1];
        using var doc = JsonDocument.Parse(last);
        var root = doc.RootElement;
        Assert.Equal("static", root.GetProperty("runtime").GetString());
        Assert.True(root.GetProperty("runs").GetInt32() >= 10);
        double min = root.GetProperty("min_us").GetDouble(), median = root.GetProperty("median_us").GetDouble(), max = root.GetProperty("max_us").GetDouble();
        Assert.True(min <= median && median <= max);
        Assert.Equal(0, root.GetProperty("allocated_bytes_per_run").GetInt64());
        Assert.True(root.GetProperty("arena_bytes").GetInt64() > 0);
    }

    [Fact]
    public void BenchWithTheInterpreterAndCallers()
    {
        var r = CliHarness.Run(Args("bench", ModelFixture.Get("shared_submodule"), "--interpreter", "--callers", "2", "--json"));
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(r.Out.Trim().Split('\n')[^1]);
        Assert.Equal("interpreter", doc.RootElement.GetProperty("runtime").GetString());
        Assert.Equal(2, doc.RootElement.GetProperty("callers").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("threads").GetInt32());
        Assert.True(doc.RootElement.GetProperty("allocated_bytes_per_run").GetInt64() > 0);
        Assert.Equal(0, doc.RootElement.GetProperty("arena_bytes").GetInt64());
    }

    [Fact]
    public void BenchRejectsZeroThreads()
    {
        var r = CliHarness.Run(Args("bench", ModelFixture.Get("mlp"), "--threads", "0"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--threads", r.Error);
    }

    [Fact]
    public void BenchRejectsZeroCallers()
    {
        var r = CliHarness.Run(Args("bench", ModelFixture.Get("mlp"), "--callers", "0"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--callers", r.Error);
    }

    [Fact]
    public void BenchSetsTheIntraOpThreadsForTheRunOnly()
    {
        int before = CpuThreads.Count;
        var r = CliHarness.Run(Args("bench", ModelFixture.Get("cnn"), "--threads", "2", "--json"));
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(r.Out.Trim().Split('\n')[^1]);
        Assert.Equal(2, doc.RootElement.GetProperty("threads").GetInt32());
        Assert.Equal(1, doc.RootElement.GetProperty("callers").GetInt32());
        Assert.Equal(before, CpuThreads.Count);
    }

    [Fact]
    public void BenchProfilePrintsEveryStepOfThePlan()
    {
        var r = CliHarness.Run(Args("bench", ModelFixture.Get("resnet_block"), "--profile", "--json"));
        Assert.True(r.ExitCode == 0, r.Error);
        using var doc = JsonDocument.Parse(r.Out.Trim().Split('\n')[^1]);
        var steps = doc.RootElement.GetProperty("steps").EnumerateArray().ToList();
        // The convs with their relus and residual adds fused into them: one step each.
        Assert.Contains(steps, s => s.GetProperty("step").GetString()!.Contains("aten::cudnn_convolution_add_relu"));
        Assert.DoesNotContain(steps, s => s.GetProperty("step").GetString()!.Contains("aten::relu("));
        Assert.All(steps, s => Assert.True(s.GetProperty("mean_us").GetDouble() >= 0));
        Assert.Contains("µs", r.Out.Split('\n')[2]);
    }

    [Fact]
    public void BenchProfileNeedsTheStaticRuntime()
    {
        var r = CliHarness.Run(Args("bench", ModelFixture.Get("mlp"), "--profile", "--interpreter"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--profile", r.Error);
    }
}
