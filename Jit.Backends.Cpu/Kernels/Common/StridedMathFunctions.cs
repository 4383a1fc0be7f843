using System.Numerics;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>Scalar functions .NET lacks or computes too loosely (erf, accurate log1p/expm1), in double.</summary>
internal static class StridedMathFunctions
{
    // One implementation, shared with the host number kernels (Jit.Core).
    public static double Erf(double x) => SpecialFunctions.Erf(x);
    public static double Log1p(double x) => SpecialFunctions.Log1p(x);
    public static double Expm1(double x) => SpecialFunctions.Expm1(x);

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>
    /// clamp/hardtanh of float32 lanes with number bounds, as the double rule computes it: exact,
    /// since no float lies strictly between a double bound and its float rounding. The lower bound
    /// first, so lo &gt; hi gives hi; a NaN lane stays NaN (its comparisons are false).
    /// </summary>
    public static Vector<float> Clamp(Vector<float> v, float lo, float hi)
    {
        v = Vector.ConditionalSelect(Vector.LessThan(v, new Vector<float>(lo)), new Vector<float>(lo), v);
        return Vector.ConditionalSelect(Vector.GreaterThan(v, new Vector<float>(hi)), new Vector<float>(hi), v);
    }

    public static double Softplus(double x, double beta, double threshold) =>
        x * beta > threshold ? x : Log1p(Math.Exp(x * beta)) / beta;

    /// <summary>Round half to even, as std::nearbyint does.</summary>
    public static double RoundEven(double x) => Math.Round(x, MidpointRounding.ToEven);

    public static double RoundDecimals(double x, long decimals)
    {
        if (decimals == 0) return RoundEven(x);
        double tenPow = Math.Pow(10, Math.Abs(decimals));
        return decimals > 0 ? RoundEven(x * tenPow) / tenPow : RoundEven(x / tenPow) * tenPow;
    }
}
