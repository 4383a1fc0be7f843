using ILGPU;

namespace Jit.Backends.Cuda.Codegen;

/// <summary>
/// Float32 transcendental functions as plain arithmetic, which ILGPU compiles into each kernel that
/// calls them: ILGPU maps MathF to approximate PTX instructions (tanh.approx.f32 is off by about
/// 2^-11) and has no erf. The formulas are the CPU backend's vector ones (VectorMathCore: Cephes
/// reductions and minimax polynomials, N. Juffa's erff), written per scalar. Functions without a
/// float formula here are computed in double (<see cref="DeviceScalars"/>) and rounded.
/// </summary>
public static class DeviceMath
{
    private const float Log2E = 1.44269504088896341f, Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;

    /// <summary>Round half to even, for |x| below 2^22 (every caller's range).</summary>
    public static float RoundEven(float x)
    {
        float r = MathF.Floor(x + 0.5f);
        if (r - x == 0.5f && ((int)r & 1) != 0) r -= 1f;
        return r;
    }

    private static float Pow2(float n) => Interop.IntAsFloat((uint)(((int)n + 127) << 23));

    private static float CopySign(float magnitude, float sign) =>
        Interop.IntAsFloat((Interop.FloatAsInt(magnitude) & 0x7fffffffu) | (Interop.FloatAsInt(sign) & 0x80000000u));

    public static float Exp(float x)
    {
        if (float.IsNaN(x)) return x;
        if (x > 88.7228394f) return float.PositiveInfinity;
        if (x < -103.972084f) return 0f;
        float n = RoundEven(x * Log2E);
        float r = x - n * Ln2Hi;
        r -= n * Ln2Lo;
        float p = 1.9875691500E-4f;
        p = p * r + 1.3981999507E-3f;
        p = p * r + 8.3334519073E-3f;
        p = p * r + 4.1665795894E-2f;
        p = p * r + 1.6666665459E-1f;
        p = p * r + 5.0000001201E-1f;
        p = p * (r * r) + r + 1f;
        // 2^n in two exact halves so results in the denormal range round only once.
        float n1 = RoundEven(n * 0.5f);
        return p * Pow2(n1) * Pow2(n - n1);
    }

    public static float Log(float x)
    {
        if (float.IsNaN(x)) return x;
        if (x < 0f) return float.NaN;
        if (x == 0f) return float.NegativeInfinity;
        if (float.IsPositiveInfinity(x)) return x;
        float e = 0f;
        // Denormals are scaled into the normal range first.
        if (x < 1.17549435e-38f)
        {
            x *= 8388608f;
            e = -23f;
        }
        uint bits = Interop.FloatAsInt(x);
        e += (int)((bits >> 23) & 0xff) - 127;
        float m = Interop.IntAsFloat((bits & 0x7fffffu) | 0x3f800000u);
        // f in [sqrt(1/2) - 1, sqrt(2) - 1) (Cephes).
        float f;
        if (m < 1.41421356f) f = m - 1f;
        else
        {
            f = m * 0.5f - 1f;
            e += 1f;
        }
        float z = f * f;
        float p = 7.0376836292E-2f;
        p = p * f - 1.1514610310E-1f;
        p = p * f + 1.1676998740E-1f;
        p = p * f - 1.2420140846E-1f;
        p = p * f + 1.4249322787E-1f;
        p = p * f - 1.6668057665E-1f;
        p = p * f + 2.0000714765E-1f;
        p = p * f - 2.4999993993E-1f;
        p = p * f + 3.3333331174E-1f;
        float y = p * f * z;
        y += e * Ln2Lo;
        y += z * -0.5f;
        return e * Ln2Hi + (f + y);
    }

    public static float Log1p(float x)
    {
        // Goldberg's trick: log(u) * x / (u - 1) with u = 1 + x cancels the rounding of u.
        float u = x + 1f;
        if (u == 0f) return float.NegativeInfinity;
        if (float.IsPositiveInfinity(x)) return x;
        float d = u - 1f;
        if (d == 0f) return x;
        return Log(u) * (x / d);
    }

    public static float Tanh(float x)
    {
        if (float.IsNaN(x)) return x;
        float ax = MathF.Abs(x);
        if (ax < 0.625f)
        {
            float s = x * x;
            float p = -5.70498872745E-3f;
            p = p * s + 2.06390887954E-2f;
            p = p * s - 5.37397155531E-2f;
            p = p * s + 1.33314422036E-1f;
            p = p * s - 3.33332819422E-1f;
            return p * s * x + x;
        }
        // 1 - 2 / (e^{2|x|} + 1) saturates to 1 (e = inf) without a NaN.
        float large = 1f - 2f / (Exp(ax + ax) + 1f);
        return CopySign(large, x);
    }

    public static float Sigmoid(float x)
    {
        if (float.IsNaN(x)) return x;
        // e = exp(-|x|) never overflows: 1/(1+e) for x >= 0, e/(1+e) for x < 0.
        float e = Exp(-MathF.Abs(x));
        float r = 1f / (e + 1f);
        return x < 0f ? e * r : r;
    }

    public static float Erf(float a)
    {
        if (float.IsNaN(a)) return a;
        float t = MathF.Abs(a);
        if (t <= 0.927734375f)
        {
            float s = a * a;
            float r = -5.96761703e-4f;
            r = r * s + 4.99119423e-3f;
            r = r * s - 2.67681349e-2f;
            r = r * s + 1.12819925e-1f;
            r = r * s - 3.76125336e-1f;
            r = r * s + 1.28379166e-1f;
            return r * a + a;
        }
        // 1 - exp(Q(|a|)); |a| is capped at 10 where erf is 1 in float32 anyway.
        float tl = MathF.Min(t, 10f), sl = tl * tl;
        float q = -1.72853470e-5f * tl + 3.83197126e-4f;
        float u = -3.88396438e-3f * tl + 2.42546219e-2f;
        q = q * sl + u;
        q = q * tl - 1.06777877e-1f;
        q = q * tl - 6.34846687e-1f;
        q = q * tl - 1.28717512e-1f;
        q = q * tl - tl;
        return CopySign(1f - Exp(q), a);
    }

    public static float Sin(float x) => SinCos(x, cos: false);

    public static float Cos(float x) => SinCos(x, cos: true);

    private static float SinCos(float x, bool cos)
    {
        if (float.IsNaN(x) || float.IsInfinity(x)) return float.NaN;
        // Huge arguments need a longer reduction: rare, done in double.
        if (MathF.Abs(x) > 8192f) return (float)(cos ? DeviceScalars.CosD(x) : DeviceScalars.SinD(x));
        // x = q * pi/2 + r with a three-part pi/2, |r| <= pi/4.
        float q = RoundEven(x * 0.636619772f);
        float r = x - q * 1.5703125f;
        r -= q * 4.837512969970703125e-4f;
        r -= q * 7.54978995489188216e-8f;
        float z = r * r;
        float ps = (-1.9515295891e-4f * z + 8.3321608736e-3f) * z - 1.6666654611e-1f;
        float s = r * z * ps + r;
        float pc = (2.443315711809948e-5f * z - 1.388731625493765e-3f) * z + 4.166664568298827e-2f;
        float c = z * z * pc + (z * -0.5f + 1f);
        // Quadrant k = q mod 4; cos(x) = sin(x + pi/2) is quadrant k + 1.
        int k = (int)q & 3;
        if (cos) k = (k + 1) & 3;
        float res = (k & 1) != 0 ? c : s;
        return k > 1 ? -res : res;
    }
}
