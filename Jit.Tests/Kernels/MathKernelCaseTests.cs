using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Kernels;

/// <summary>Every case of fixtures/ops/math.json (written by tools/fixtures/ops_math.py from PyTorch 1.13) through the CPU kernel table.</summary>
public sealed class MathKernelCaseTests
{
    private static readonly Lazy<IReadOnlyList<OpCase>> Cases = new(() => OpCaseFile.Load("math"));

    public static IEnumerable<object[]> CaseIndices() => OpCaseRunner.Rows(Cases);

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void MatchesPyTorch(int index, string description)
    {
        var c = Cases.Value[index];
        OpCaseRunner.Run(c, description, expected => Tolerance(c.Op, expected));
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
