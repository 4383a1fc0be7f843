using System.Runtime.Intrinsics;
using Jit.Backends.Cpu.Codegen;
using Xunit;

namespace Jit.Tests.Codegen;

/// <summary>
/// Measures <see cref="VectorMath"/> against double-precision Math.* rounded to float32 (the
/// evaluator's reference) and asserts the ulp table stated on <see cref="VectorMath"/>.
/// </summary>
public sealed class VectorMathTests(ITestOutputHelper output)
{
    /// <summary>The stated maximum ulp error per function (see VectorMath's table).</summary>
    public static readonly IReadOnlyDictionary<string, double> MaxUlp = new Dictionary<string, double>
    {
        ["exp"] = 1, ["log"] = 1, ["log1p"] = 2, ["tanh"] = 1, ["sigmoid"] = 3, ["erf"] = 1, ["sin"] = 2, ["cos"] = 2,
    };

    private static readonly (string Name, Func<Vector256<float>, Vector256<float>> V256, Func<Vector512<float>, Vector512<float>> V512, Func<double, double> Ref)[] Functions =
    [
        ("exp", VectorMath.Exp, VectorMath.Exp, Math.Exp),
        ("log", VectorMath.Log, VectorMath.Log, Math.Log),
        ("log1p", VectorMath.Log1p, VectorMath.Log1p, Jit.Tensors.SpecialFunctions.Log1p),
        ("tanh", VectorMath.Tanh, VectorMath.Tanh, Math.Tanh),
        ("sigmoid", VectorMath.Sigmoid, VectorMath.Sigmoid, x => 1 / (1 + Math.Exp(-x))),
        ("erf", VectorMath.Erf, VectorMath.Erf, Jit.Tensors.SpecialFunctions.Erf),
        ("sin", VectorMath.Sin, VectorMath.Sin, Math.Sin),
        ("cos", VectorMath.Cos, VectorMath.Cos, Math.Cos),
    ];

    /// <summary>Edge cases plus random bit patterns (every exponent) plus dense samples of [-30, 30].</summary>
    internal static float[] Inputs(int seed, int count)
    {
        var rng = new Random(seed);
        var xs = new List<float>
        {
            0f, -0f, float.Epsilon, -float.Epsilon, 1e-45f, 1e-40f, -1e-40f, 1.17549435e-38f, 1e-30f, 1e-7f, 0.5f, 1f, -1f, 2f,
            0.625f, -0.625f, 0.927734375f, -0.927734375f, 88.7f, 88.73f, 89f, -87f, -103f, -104f, -150f, 1e10f, -1e10f,
            8192f, 8193f, -8192.5f, 1e6f, 3.4e38f, -3.4e38f, float.MaxValue, float.MinValue,
            float.PositiveInfinity, float.NegativeInfinity, float.NaN,
        };
        for (int i = 0; i < count; i++) xs.Add(BitConverter.Int32BitsToSingle(rng.Next() ^ (rng.Next(2) << 31)));
        for (int i = 0; i < count; i++) xs.Add((float)(rng.NextDouble() * 60 - 30));
        for (int i = 0; i < count / 4; i++) xs.Add((float)(rng.NextDouble() * 2 - 1));
        while (xs.Count % 16 != 0) xs.Add(1f);
        return xs.ToArray();
    }

    /// <summary>Distance in units in the last place between two float32 values (NaN equals NaN).</summary>
    internal static double UlpDistance(float got, float expected)
    {
        if (float.IsNaN(got) || float.IsNaN(expected)) return float.IsNaN(got) && float.IsNaN(expected) ? 0 : double.PositiveInfinity;
        static long Ordered(float f)
        {
            int b = BitConverter.SingleToInt32Bits(f);
            return b < 0 ? int.MinValue - (long)b : b;
        }
        return Math.Abs(Ordered(got) - Ordered(expected));
    }

    [Fact]
    public void EveryFunctionIsWithinItsStatedUlpBoundOnBothWidths()
    {
        var xs = Inputs(1234, 600_000);
        var failures = new List<string>();
        foreach (var (name, v256, v512, reference) in Functions)
        {
            double max256 = 0, max512 = 0;
            float worst = 0;
            for (int i = 0; i < xs.Length; i += 16)
            {
                var a = v512(Vector512.Create(xs.AsSpan(i, 16)));
                var b0 = v256(Vector256.Create(xs.AsSpan(i, 8)));
                var b1 = v256(Vector256.Create(xs.AsSpan(i + 8, 8)));
                for (int j = 0; j < 16; j++)
                {
                    float x = xs[i + j];
                    float want = (float)reference(x);
                    double u512 = Error(name, x, a.GetElement(j), want);
                    double u256 = Error(name, x, j < 8 ? b0.GetElement(j) : b1.GetElement(j - 8), want);
                    if (u512 > max512) { max512 = u512; worst = x; }
                    max256 = Math.Max(max256, u256);
                }
            }
            output.WriteLine($"{name,-8} max ulp: Vector512 {max512}, Vector256 {max256} (worst input {worst:R})");
            if (Math.Max(max256, max512) > MaxUlp[name]) failures.Add($"{name}: {Math.Max(max256, max512)} ulp > {MaxUlp[name]} at {worst:R}");
        }
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    // Near the zeros of sin and cos (x close to a multiple of pi/2) the float32 result is tiny and
    // its ulp meaningless against the argument's own rounding: there the error is measured in
    // units of 2^-26 absolute (the stated 6e-8 absolute bound is 4 such units).
    private static double Error(string name, float x, float got, float want)
    {
        double ulps = UlpDistance(got, want);
        if ((name == "sin" || name == "cos") && Math.Abs(want) < 0.25 && !float.IsNaN(want))
            return Math.Min(ulps, Math.Abs(got - (double)want) / Math.Pow(2, -26) / 2);
        return ulps;
    }

    [Fact]
    public void PowMatchesMathPowWithinRelativeErrorAndExactlyOnSpecialCases()
    {
        var rng = new Random(5);
        float[] specials = [0f, -0f, -2f, -1f, 1f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 0.5f, 2f, 1e-40f];
        for (int trial = 0; trial < 20000; trial++)
        {
            float[] x = new float[16], y = new float[16];
            for (int j = 0; j < 16; j++)
            {
                x[j] = rng.Next(10) == 0 ? specials[rng.Next(specials.Length)] : (float)(rng.NextDouble() * 10);
                y[j] = rng.Next(10) == 0 ? specials[rng.Next(specials.Length)] : (float)(rng.NextDouble() * 8 - 4);
            }
            var got = VectorMath.Pow(Vector512.Create(x), Vector512.Create(y));
            var got256 = VectorMath.Pow(Vector256.Create(x.AsSpan(0, 8)), Vector256.Create(y.AsSpan(0, 8)));
            for (int j = 0; j < 16; j++)
            {
                float want = (float)Math.Pow(x[j], y[j]);
                float g = got.GetElement(j);
                double tol = 4e-7 * Math.Max(1, Math.Abs(y[j] * Math.Log(x[j]))) * Math.Abs(want);
                Assert.True(g.Equals(want) || Math.Abs(g - want) <= tol, $"pow({x[j]:R}, {y[j]:R}) = {g:R}, want {want:R}");
                if (j < 8) Assert.Equal(g, got256.GetElement(j));
            }
        }
    }
}
