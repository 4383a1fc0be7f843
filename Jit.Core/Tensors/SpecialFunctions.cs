namespace Jit.Tensors;

/// <summary>Scalar functions .NET lacks or computes too loosely (erf, accurate log1p/expm1), in double; used by the host number kernels and the CPU tensor kernels alike.</summary>
public static class SpecialFunctions
{
    // Constants, not static fields: the CUDA backend's kernels call Erf, and ILGPU compiles it into them.
    private const double TwoOverSqrtPi = 1.1283791670955126;
    private const double SqrtPi = 1.7724538509055159;

    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return x;
        double ax = Math.Abs(x);
        if (ax < 2.5)
        {
            // Maclaurin series; terms peak near 16 at |x| = 2.5, so about 15 digits survive.
            double x2 = x * x, term = x, sum = x;
            for (int n = 1; n < 200; n++)
            {
                term *= -x2 / n;
                double d = term / (2 * n + 1);
                sum += d;
                if (Math.Abs(d) < 1e-17 * Math.Abs(sum)) break;
            }
            return sum * TwoOverSqrtPi;
        }
        // Signs by comparison, not Math.Sign, which has a throw path ILGPU cannot compile (x is not NaN here).
        if (ax >= 6) return x < 0 ? -1 : 1;
        // erfc by its continued fraction, evaluated bottom-up; converges fast for x >= 2.5.
        double f = ax;
        for (int k = 120; k >= 1; k--) f = ax + k / 2.0 / f;
        double erfc = Math.Exp(-ax * ax) / (SqrtPi * f);
        return x < 0 ? erfc - 1 : 1 - erfc;
    }

    /// <summary>log(1 + x) without cancellation for small x (Kahan's trick).</summary>
    public static double Log1p(double x)
    {
        double u = 1 + x;
        if (u == 1) return x;
        if (double.IsInfinity(u)) return Math.Log(u);
        return Math.Log(u) * x / (u - 1);
    }

    /// <summary>exp(x) - 1 without cancellation for small x (Kahan's trick).</summary>
    public static double Expm1(double x)
    {
        if (Math.Abs(x) < 1e-5) return x + x * x / 2 + x * x * x / 6;
        return Math.Exp(x) - 1;
    }
}
