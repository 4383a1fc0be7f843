using Jit.Backends.Cuda.Codegen;
using Xunit;

namespace Jit.Tests.Cuda;

/// <summary>
/// The float32 functions emitted kernels call, against double precision over a sweep: within a few
/// float ulps where the result is normal (the conformance tolerance is far looser; ILGPU's
/// tanh.approx.f32, about 2^-11, would fail here).
/// </summary>
public sealed class DeviceMathTests
{
    public static TheoryData<string> Functions() => new("exp", "log", "log1p", "tanh", "sigmoid", "erf", "sin", "cos");

    [Theory]
    [MemberData(nameof(Functions))]
    public void MatchesDoublePrecisionOverASweep(string name)
    {
        var (f, reference, lo, hi) = Function(name);
        double worst = 0;
        float worstAt = 0;
        const int steps = 200_000;
        for (int i = 0; i <= steps; i++)
        {
            float x = (float)(lo + (hi - lo) * i / steps);
            double want = reference(x);
            float got = f(x);
            if (double.IsNaN(want)) { Assert.True(float.IsNaN(got), $"{name}({x}) = {got}, want NaN"); continue; }
            double ulp = Math.Max(Math.Abs(want) * Math.Pow(2, -23), 1e-30);
            double err = Math.Abs(got - want) / ulp;
            if (err > worst) (worst, worstAt) = (err, x);
        }
        Assert.True(worst <= 4, $"{name}: {worst:F2} ulp at {worstAt}");
    }

    [Fact]
    public void SpecialValuesAreThoseOfTheReference()
    {
        Assert.Equal(float.PositiveInfinity, DeviceMath.Exp(100f));
        Assert.Equal(0f, DeviceMath.Exp(-200f));
        Assert.True(float.IsNaN(DeviceMath.Exp(float.NaN)));
        Assert.Equal(float.NegativeInfinity, DeviceMath.Log(0f));
        Assert.True(float.IsNaN(DeviceMath.Log(-1f)));
        Assert.Equal(1f, DeviceMath.Tanh(50f));
        Assert.Equal(-1f, DeviceMath.Tanh(-50f));
        Assert.Equal(1f, DeviceMath.Erf(12f));
        Assert.Equal(0f, DeviceMath.Sigmoid(-200f));
        Assert.True(float.IsNaN(DeviceMath.Sin(float.PositiveInfinity)));
        Assert.Equal((float)Math.Sin(1e6), DeviceMath.Sin(1e6f), 6);
    }

    [Fact]
    public void HalfAndBFloatRoundingIsTheRuntimes()
    {
        var rng = new Random(7);
        for (int i = 0; i < 100_000; i++)
        {
            float x = (float)((rng.NextDouble() - 0.5) * Math.Pow(2, rng.Next(-30, 20)));
            Assert.Equal((float)(Half)x, DeviceScalars.RoundHalf(x));
            Assert.Equal(BitConverter.HalfToUInt16Bits((Half)x), DeviceScalars.FloatToHalf(x));
            Assert.Equal(Jit.Tensors.BFloat16.ToSingle(Jit.Tensors.BFloat16.FromSingle(x)), DeviceScalars.RoundBFloat(x));
        }
    }

    private static (Func<float, float> F, Func<double, double> Reference, double Lo, double Hi) Function(string name) => name switch
    {
        "exp" => (DeviceMath.Exp, Math.Exp, -87, 88),
        "log" => (DeviceMath.Log, Math.Log, 1e-6, 1e6),
        "log1p" => (DeviceMath.Log1p, x => Jit.Tensors.SpecialFunctions.Log1p(x), -0.999, 1000),
        "tanh" => (DeviceMath.Tanh, Math.Tanh, -10, 10),
        "sigmoid" => (DeviceMath.Sigmoid, x => 1 / (1 + Math.Exp(-x)), -80, 80),
        "erf" => (DeviceMath.Erf, x => Jit.Tensors.SpecialFunctions.Erf(x), -5, 5),
        "sin" => (DeviceMath.Sin, Math.Sin, -100, 100),
        _ => (DeviceMath.Cos, Math.Cos, -100, 100),
    };
}
