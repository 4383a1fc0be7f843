using System.IO.Compression;
using Jit.Backends.Cpu;
using Jit.Modules;
using Jit.Runtime;
using Jit.Serialization.Npy;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Kernels;

/// <summary>
/// Scripted nn.TransformerEncoderLayer and nn.MultiheadAttention modules (fixtures/attention,
/// written by tools/fixtures/attention_models.py) run end to end: the bytecode's checks choose the
/// fused fast path, as PyTorch's did under no_grad, and the outputs match PyTorch's.
/// </summary>
public sealed class AttentionModelTests
{
    /// <param name="omitted">Trailing optional arguments of forward left at their default, None
    /// (src_mask and src_key_padding_mask of the encoder layer).</param>
    [Theory]
    [InlineData("encoder_layer", 2)]
    [InlineData("self_attention", 0)]
    public void MatchesPyTorch(string name, int omitted)
    {
        string dir = OpCaseFile.FixturePath("attention");
        JitModule module;
        // The modules are stored gzipped (their bytecode holds the whole unfused path too).
        using (var gz = new GZipStream(File.OpenRead(Path.Combine(dir, name + ".ptl.gz")), CompressionMode.Decompress))
            module = JitModule.Load(gz);
        var inputs = Files(dir, name + ".input.").Select(p => IValue.FromTensor(NpyFormat.Read(p)))
            .Concat(Enumerable.Repeat(IValue.None, omitted)).ToArray();
        var expected = Files(dir, name + ".output.").Select(NpyFormat.Read).ToArray();

        var result = module.Forward(new CpuBackend(Device.Cpu), inputs);
        var actual = result.IsTuple ? result.AsTuple.Items.ToArray() : [result];
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            ValueAssert.TensorClose(expected[i], actual[i].AsTensor, 1e-4, 1e-5, $"{name} output {i}");
    }

    private static string[] Files(string dir, string prefix) =>
        Directory.GetFiles(dir, prefix + "*.npy").Order(StringComparer.Ordinal).ToArray();
}
