using Jit.Backends.Cpu;
using Jit.Runtime;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Kernels.ShapeTestValues;

namespace Jit.Tests.Kernels;

/// <summary>
/// The float32 activations computed with the vector math (erf, tanh, sigmoid, silu, both GELUs):
/// close to the double computation, the same for an element wherever it sits (tail lanes too),
/// and the same from the ordinary kernel as from the out-variant the static runtime runs.
/// </summary>
public sealed class FloatVectorMapsTests
{
    private static readonly CpuBackend Cpu = new(Device.Cpu);

    public static TheoryData<string, string?> Ops() => new()
    {
        { "aten::erf", null }, { "aten::tanh", null }, { "aten::sigmoid", null }, { "aten::silu", null },
        { "aten::gelu", "none" }, { "aten::gelu", "tanh" },
    };

    [Theory]
    [MemberData(nameof(Ops))]
    public void MatchesDoubleAndDoesNotDependOnTheElementsPosition(string op, string? approximate)
    {
        var values = new float[37];
        var random = new Random(5);
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 12 - 6);
        values[0] = 0;
        values[1] = -0f;
        values[2] = float.NaN;
        var whole = Run(op, approximate, values);
        for (int i = 0; i < values.Length; i++)
        {
            double expected = Reference(op, approximate, values[i]);
            if (double.IsNaN(expected)) Assert.True(float.IsNaN(whole[i]));
            else Assert.True(Math.Abs(whole[i] - expected) <= 1e-6 + 4e-7 * Math.Abs(expected), $"{op} {approximate} at {values[i]}: {whole[i]} vs {expected}");
        }
        // Shifted by one: every element lands in another lane (and some in the tail).
        var shifted = Run(op, approximate, values[1..]);
        Assert.Equal(whole[1..], shifted);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void TheOutVariantGivesTheOrdinaryKernelsBits(string op, string? approximate)
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 21).Select(i => i * 0.37f - 4).ToArray(), 3, 7);
        var ordinary = Run(op, approximate, x.ContiguousSpan<float>().ToArray());
        Assert.True(CpuKernels.TryGetOut(op, out var outKernel));
        var output = Tensor.Empty(DType.Float32, 3, 7);
        IValue[] inputs = approximate is null ? [x] : [x, approximate];
        outKernel(inputs, [output]);
        Assert.Equal(ordinary, output.ContiguousSpan<float>().ToArray());
    }

    private static float[] Run(string op, string? approximate, float[] values)
    {
        Assert.True(Cpu.Kernels.TryGet(op, out var kernel));
        var x = Tensor.FromArray(values, values.Length);
        var outputs = new IValue[1];
        kernel(approximate is null ? [x] : [x, approximate], outputs);
        return outputs[0].AsTensor.ContiguousSpan<float>().ToArray();
    }

    private static double Reference(string op, string? approximate, double v) => (op, approximate) switch
    {
        ("aten::erf", _) => SpecialFunctions.Erf(v),
        ("aten::tanh", _) => Math.Tanh(v),
        ("aten::sigmoid", _) => 1 / (1 + Math.Exp(-v)),
        ("aten::silu", _) => v / (1 + Math.Exp(-v)),
        ("aten::gelu", "none") => 0.5 * v * (1 + SpecialFunctions.Erf(v / Math.Sqrt(2))),
        _ => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))),
    };
}
