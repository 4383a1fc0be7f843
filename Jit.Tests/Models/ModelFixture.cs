using Jit.Cli;
using Jit.Modules;
using Jit.Runtime;
using Jit.Serialization.Npy;
using Jit.Tests.Testing;

namespace Jit.Tests.Models;

/// <summary>A model exported by tools/export_fixtures.py: the module, its inputs, PyTorch's outputs.</summary>
public sealed class ModelFixture
{
    public required string Name { get; init; }
    public required string Directory { get; init; }
    public string ModelPath => Path.Combine(Directory, "model.ptmf");
    public IReadOnlyList<string> InputPaths => Files("input");
    public IReadOnlyList<string> OutputPaths => Files("output");

    private string[] Files(string prefix) =>
        System.IO.Directory.GetFiles(Directory, prefix + "*.npy")
            .OrderBy(p => int.Parse(Path.GetFileNameWithoutExtension(p)[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture))
            .ToArray();

    public static IEnumerable<string> Names() =>
        System.IO.Directory.GetDirectories(OpCaseFile.FixturePath("models")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static ModelFixture Get(string name) => new() { Name = name, Directory = OpCaseFile.FixturePath("models", name) };

    /// <summary>Inputs typed for the module's forward (0-dim arrays feed int/float inputs); trailing inputs with no file take forward's defaults.</summary>
    public IValue[] Inputs(JitModule module)
    {
        var graphInputs = module.MethodGraph("forward").Inputs.Skip(1).ToArray();
        var given = InputPaths.Select((p, i) => ValueFiles.FromTensor(NpyFormat.Read(p), graphInputs[i].Type, p));
        var defaults = module.ForwardDefaults().Skip(InputPaths.Count).TakeWhile(d => d is not null).Select(d => d!.Value);
        return [.. given, .. defaults];
    }

    /// <summary>The outputs flattened as the CLI writes them: a tuple's items in order.</summary>
    public static IValue[] Flatten(IValue result) => result.IsTuple ? result.AsTuple.Items : [result];

    public void AssertMatches(IValue result, double rtol = 1e-4, double atol = 1e-5)
    {
        var actual = Flatten(result);
        var expected = OutputPaths;
        Xunit.Assert.True(expected.Count == actual.Length, $"{Name}: {actual.Length} outputs, PyTorch gave {expected.Count}");
        for (int i = 0; i < actual.Length; i++)
            ValueAssert.TensorClose(NpyFormat.Read(expected[i]), ValueFiles.ToTensor(actual[i]), rtol, atol, $"{Name} output {i}");
    }
}
