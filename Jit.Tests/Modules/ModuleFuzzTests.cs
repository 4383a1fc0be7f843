using Jit.Cli;
using Jit.Modules;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Cli;
using Jit.Tests.Serialization;
using Jit.Tests.Serialization.Ptmf;
using Xunit;

using Jit.Tests.Testing;

namespace Jit.Tests.Modules;

/// <summary>The mutation fuzzer over the real fixtures, bounded in time, and its <c>jit fuzz</c> verb.</summary>
public class ModuleFuzzTests
{
    [Theory]
    [MemberData(nameof(PtmfFixtureTests.Samples), MemberType = typeof(PtmfFixtureTests))]
    public void ThousandsOfMutantsLoadOrFailWithAJitException(string name)
    {
        int seed = name.Length * 7919;
        var original = PtmfFixtureTests.Fixture(name);
        var rng = new Random(seed);
        var fuzzer = new ModuleFuzzer(original, seed)
        {
            // mlp's forward takes one [*, 4] tensor: run the mutants that load on a random one.
            AfterLoad = name == "mlp" ? m => RunForward(m, rng) : null,
        };
        var report = fuzzer.Run(10_000, TimeSpan.FromSeconds(1));
        Assert.True(report.Passed, report.EscapeLine);
        Assert.True(report.Iterations >= 1000, $"only {report.Iterations} mutants in the time budget");
        Assert.Equal(report.Iterations, report.Loaded + report.FormatErrors + report.OtherJitErrors);
        Assert.True(report.FormatErrors > 0 && report.Loaded > 0);
    }

    private static void RunForward(JitModule m, Random rng)
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 8).Select(_ => (float)rng.NextDouble()).ToArray(), 2, 4);
        m.Forward(MalformedModuleFiles.Cpu, IValue.FromTensor(x));
    }

    [Fact]
    public void MutantsAreReproducibleFromSeedAndIteration()
    {
        var original = PtmfFixtureTests.Fixture("mlp");
        Assert.Equal(ModuleFuzzer.Mutant(original, 5, 123), ModuleFuzzer.Mutant(original, 5, 123));
        Assert.NotEqual(ModuleFuzzer.Mutant(original, 5, 123), ModuleFuzzer.Mutant(original, 5, 124));
    }

    [Fact]
    public void FuzzVerbPrintsTheCountPerOutcome()
    {
        var r = CliHarness.Run("fuzz", ExternalTools.FixturePath("ptmf", "mlp.ptmf"), "--iterations", "500", "--seed", "3");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"iterations\s+500", r.Out);
        Assert.Matches(@"loaded\s+\d+", r.Out);
        Assert.Matches(@"JitFormatException\s+\d+", r.Out);
        Assert.Matches(@"other JitException\s+\d+", r.Out);
        Assert.Equal("", r.Error);
    }

    [Fact]
    public void FuzzVerbReportsAMissingFileInOneLine()
    {
        var r = CliHarness.Run("fuzz", "no-such-model.ptmf");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("jit: error: no such file", r.Error);
    }
}
