using Jit.Ir;
using Jit.Ir.Text;
using Xunit;

namespace Jit.Tests.Ir;

/// <summary>Every graph PyTorch printed (fixtures/ir, fixtures/run) parses and prints back byte for byte.</summary>
public sealed class IrRoundTripTests
{
    public static string FixtureRoot => Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static IEnumerable<object[]> IrFixtures() =>
        Directory.GetFiles(Path.Combine(FixtureRoot, "ir"), "*.ir")
            .Concat(Directory.GetFiles(Path.Combine(FixtureRoot, "run"), "graph.ir", SearchOption.AllDirectories))
            .Select(p => new object[] { Path.GetRelativePath(FixtureRoot, p) })
            .OrderBy(p => (string)p[0], StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(IrFixtures))]
    public void PrintOfParseReproducesPyTorchText(string fixture)
    {
        string text = File.ReadAllText(Path.Combine(FixtureRoot, fixture));
        var graph = Graph.Parse(text, fixture);
        Assert.Equal(text, IrPrinter.Print(graph));
    }

    [Theory]
    [MemberData(nameof(IrFixtures))]
    public void ParsedFixturesLint(string fixture)
    {
        var graph = Graph.Parse(File.ReadAllText(Path.Combine(FixtureRoot, fixture)), fixture);
        graph.Lint();
    }

    [Theory]
    [MemberData(nameof(IrFixtures))]
    public void WithoutSourceRangesOnlyTheCommentsGo(string fixture)
    {
        string text = File.ReadAllText(Path.Combine(FixtureRoot, fixture));
        string bare = IrPrinter.Print(Graph.Parse(text), printSourceRanges: false);
        Assert.DoesNotContain(".py:", bare, StringComparison.Ordinal);
        Assert.Equal(bare, IrPrinter.Print(Graph.Parse(bare), printSourceRanges: true));
    }

    [Theory]
    [MemberData(nameof(IrFixtures))]
    public void CopyPrintsIdentically(string fixture)
    {
        string text = File.ReadAllText(Path.Combine(FixtureRoot, fixture));
        var copy = Graph.Parse(text).Copy();
        copy.Lint();
        Assert.Equal(text, IrPrinter.Print(copy));
    }
}
