using Jit.Backends.Cpu;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Kernels;

/// <summary>Every case of fixtures/ops/math.json (written by tools/fixtures/ops_math.py from PyTorch 1.13) through the CPU kernel table.</summary>
public sealed class MathKernelCaseTests
{
    private static readonly Lazy<IReadOnlyList<OpCase>> Cases = new(() => OpCaseFile.Load("math"));
    private static readonly Lazy<KernelTable> Kernels = new(() => new CpuBackend(Device.Cpu).Kernels);

    public static IEnumerable<object[]> CaseIndices() =>
        Enumerable.Range(0, Cases.Value.Count).Select(i => new object[] { i, Cases.Value[i].ToString() });

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void MatchesPyTorch(int index, string description)
    {
        var c = Cases.Value[index];
        Assert.True(Kernels.Value.TryGet(c.Op, out var kernel), $"no CPU kernel for {c.Op}");
        var outputs = new IValue[c.Outputs.Length];
        kernel(c.Inputs, outputs);
        for (int i = 0; i < outputs.Length; i++)
        {
            var (rtol, atol) = Tolerance(c.Op, c.Outputs[i]);
            ValueAssert.Close(c.Outputs[i], outputs[i], rtol, atol, $"{description} output {i}");
        }
        // In-place variants write into self and return it.
        string baseName = c.Op.Split("::")[1].Split('.')[0];
        if ((baseName.EndsWith('_') && !baseName.StartsWith("__")) || baseName.StartsWith("__i"))
            Assert.Same(c.Inputs[0].AsTensor, outputs[0].AsTensor);
    }

    /// <summary>
    /// float32/float64: rtol 1e-4, atol 1e-5. Half and bfloat16 results are rounded from a float
    /// computation; ours computes in double, so a result within a rounding of a half-way point may
    /// land one ulp of the half type away (2^-10 for float16, 2^-7 for bfloat16, relative).
    /// PyTorch 1.13's bfloat16 group_norm keeps bfloat16 intermediates and is itself up to 0.025 away
    /// from the exact result (checked against its float32 computation), so it gets atol 0.03.
    /// </summary>
    private static (double Rtol, double Atol) Tolerance(string op, IValue expected)
    {
        if (!expected.IsTensor) return (1e-4, 1e-5);
        if (op == "aten::group_norm" && expected.AsTensor.DType == DType.BFloat16) return (1.6e-2, 3e-2);
        return expected.AsTensor.DType switch
        {
            DType.Float16 => (2e-3, 1e-3),
            DType.BFloat16 => (1.6e-2, 1e-2),
            _ => (1e-4, 1e-5),
        };
    }
}
