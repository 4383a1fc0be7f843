using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Tests.Testing;

/// <summary>The (rtol, atol) an op case's output is compared with, on every backend.</summary>
public static class OpCaseTolerance
{
    /// <summary>
    /// float32/float64: rtol 1e-4, atol 1e-5. Half and bfloat16 results are rounded from a float
    /// computation; ours computes in double, so a result within a rounding of a half-way point may
    /// land one ulp of the half type away (2^-10 for float16, 2^-7 for bfloat16, relative).
    /// PyTorch 1.13's bfloat16 group_norm keeps bfloat16 intermediates and is itself up to 0.025 away
    /// from the exact result (checked against its float32 computation), so it gets atol 0.03.
    /// </summary>
    public static (double Rtol, double Atol) For(string op, IValue expected)
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
