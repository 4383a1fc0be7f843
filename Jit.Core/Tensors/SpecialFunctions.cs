namespace Jit.Tensors;

/// <summary>Scalar functions .NET lacks or computes too loosely (erf, accurate log1p/expm1), in double; used by the host number kernels and the CPU tensor kernels alike.</summary>
public static class SpecialFunctions
{
    private static readonly double TwoOverSqrtPi = 2 / Math.Sqrt(Math.PI);

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
        if (ax >= 6) return Math.Sign(x);
        // erfc by its continued fraction, evaluated bottom-up; converges fast for x >= 2.5.
        double f = ax;
        for (int k = 120; k >= 1; k--) f = ax + k / 2.0 / f;
        double erfc = Math.Exp(-ax * ax) / (Math.Sqrt(Math.PI) * f);
        return Math.Sign(x) * (1 - erfc);
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
