using System.Globalization;
using Jit.Serialization.Ptmf;
using Xunit;

using Jit.Tests.Testing;

namespace Jit.Tests.Serialization.Ptmf;

/// <summary>
/// Files written by PyTorch 1.13's <c>save_jit_module_to_flatbuffer</c> (tools/fixtures/ptmf_samples.py),
/// checked against the bytecode PyTorch itself dumped into <c>*.expected.txt</c>.
/// </summary>
public class PtmfFixtureTests
{
    public static readonly TheoryData<string> Samples = new() { "mlp", "control", "submodule", "attrs" };

    internal static byte[] Fixture(string name) => File.ReadAllBytes(ExternalTools.FixturePath("ptmf", name + ".ptmf"));

    /// <summary>Our reading of a module in the format of the expected dump.</summary>
    internal static List<string> Dump(PtmfModule m)
    {
        var lines = new List<string> { $"bytecode_version {m.BytecodeVersion}" };
        foreach (var f in m.MethodFunctions.Concat(OtherFunctions(m)).DistinctBy(f => f.ByteOffset))
        {
            lines.Add($"function {f.QualifiedName}");
            lines.Add($"  register_size {f.RegisterSize}");
            lines.AddRange(f.Instructions.Select(i => $"  instruction {i.OpName} {i.X} {i.N}"));
            lines.AddRange(f.Operators.Select(o => $"  operator {o.Name} {(o.OverloadName.Length == 0 ? "-" : o.OverloadName)} {o.NumArgsSerialized}"));
            lines.AddRange(f.Constants.Select(c => "  constant " + Constant(m, m.IValue(c))));
            lines.AddRange(f.Arguments.Select(a => $"  argument {(a.Name.Length == 0 ? "-" : a.Name)} {a.Type}"));
            lines.AddRange(f.Returns.Select(a => $"  return {(a.Name.Length == 0 ? "-" : a.Name)} {a.Type}"));
        }
        return lines;
    }

    private static IEnumerable<PtmfFunction> OtherFunctions(PtmfModule m) =>
        Enumerable.Range(0, m.IValueCount).Select(m.IValue).Where(v => v.Kind == PtmfIValueKind.Function).Select(v => v.AsFunction);

    private static string Constant(PtmfModule m, PtmfIValue v) => v.Kind switch
    {
        PtmfIValueKind.None => "none",
        PtmfIValueKind.Bool => v.AsBool ? "bool True" : "bool False",
        PtmfIValueKind.Int => "int " + v.AsInt.ToString(CultureInfo.InvariantCulture),
        PtmfIValueKind.Double => "double " + PythonRepr(v.AsDouble),
        PtmfIValueKind.String => "string " + v.AsString,
        PtmfIValueKind.TensorMetadata => "tensor sizes=" + string.Join(",", v.AsTensor.Sizes),
        _ => "other " + v.Kind,
    };

    private static string PythonRepr(double d) =>
        d == Math.Floor(d) && Math.Abs(d) < 1e16 ? d.ToString("0.0", CultureInfo.InvariantCulture) : d.ToString("R", CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(Samples))]
    public void ReaderSeesWhatPyTorchSees(string name)
    {
        var module = PtmfModule.Load(Fixture(name));
        var expected = File.ReadAllLines(ExternalTools.FixturePath("ptmf", name + ".expected.txt"));
        var functions = expected.TakeWhile(l => !l.StartsWith("tensor ", StringComparison.Ordinal)).ToList();
        Assert.Equal(string.Join("\n", functions), string.Join("\n", Dump(module)));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void TensorsHaveTheShapesPyTorchReports(string name)
    {
        var module = PtmfModule.Load(Fixture(name));
        var expected = File.ReadAllLines(ExternalTools.FixturePath("ptmf", name + ".expected.txt"))
            .Where(l => l.StartsWith("tensor ", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).Select(p => (DType: p[2], Shape: p.Length > 3 ? p[3] : "")).Order().ToList();
        var ours = Enumerable.Range(0, module.IValueCount).Select(module.IValue)
            .Where(v => v.Kind == PtmfIValueKind.TensorMetadata)
            .Select(v => module.CreateTensor(v.AsTensor))
            .Select(t => (DType: t.DType.ToString().ToLowerInvariant(), Shape: string.Join(",", t.SizesArray()))).Order().ToList();
        Assert.Equal(expected, ours);
    }

    [Fact]
    public void MlpWeightsAreReadInPlace()
    {
        var bytes = Fixture("mlp");
        var module = PtmfModule.Load(bytes);
        Assert.Equal(9u, module.BytecodeVersion);
        Assert.Equal(2, module.StorageCount);
        for (int i = 0; i < module.StorageCount; i++)
        {
            Assert.True(module.IsStorageInPlace(i));
            Assert.Same(module.Storage(i), module.Storage(i));
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(module.Storage(i).Bytes, out var seg));
            Assert.Same(bytes, seg.Array);
        }
        var state = module.StateObject.AsObject;
        Assert.Equal("__torch__.Mlp", module.ObjectType(state.TypeIndex).TypeName);
    }
}
