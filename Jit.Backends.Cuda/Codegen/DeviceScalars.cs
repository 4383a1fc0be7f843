using ILGPU;

namespace Jit.Backends.Cuda.Codegen;

/// <summary>
/// The scalar helpers emitted kernels call (compiled by ILGPU into the kernel), each the device form
/// of a rule of the oracle's ScalarMath, as CStyleHelpers are for OpenCL C: 16-bit float storage,
/// integer division that never traps (by zero gives 0), NaN-propagating min/max, saturating
/// float-to-int, and every float intrinsic by name: <c>{Intrinsic}F</c> for float32 (accurate
/// formulas from <see cref="DeviceMath"/>, the rest in double) and <c>{Intrinsic}D</c> for float64.
/// </summary>
public static class DeviceScalars
{
    // 16-bit floats: storage is ushort; values compute in float and round after every operation.
    public static float HalfToFloat(ushort h)
    {
        uint s = (h & 0x8000u) << 16, e = ((uint)h >> 10) & 0x1fu, m = h & 0x3ffu;
        if (e == 0) return Interop.IntAsFloat(s | Interop.FloatAsInt(m * 5.9604644775390625e-8f));
        if (e == 31) return Interop.IntAsFloat(s | 0x7f800000u | (m << 13));
        return Interop.IntAsFloat(s | ((e + 112u) << 23) | (m << 13));
    }

    public static ushort FloatToHalf(float f)
    {
        uint x = Interop.FloatAsInt(f), s = (x >> 16) & 0x8000u, a = x & 0x7fffffffu;
        if (a > 0x7f800000u) return (ushort)(s | 0x7e00u);
        if (a >= 0x477ff000u) return (ushort)(s | 0x7c00u);
        if (a < 0x38800000u) return (ushort)(s | (uint)DeviceMath.RoundEven(Interop.IntAsFloat(a) * 16777216.0f));
        uint m = a - 0x38000000u;
        return (ushort)(s | ((m + 0x0fffu + ((m >> 13) & 1u)) >> 13));
    }

    public static float RoundHalf(float f) => HalfToFloat(FloatToHalf(f));

    public static float BFloatToFloat(ushort b) => Interop.IntAsFloat((uint)b << 16);

    public static ushort FloatToBFloat(float f)
    {
        if (float.IsNaN(f)) return 0x7fc0;
        uint x = Interop.FloatAsInt(f);
        return (ushort)((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
    }

    public static float RoundBFloat(float f) => BFloatToFloat(FloatToBFloat(f));

    // Integers (int64; the caller wraps to the dtype).
    public static long DivL(long a, long b) => b == 0 ? 0 : b == -1 ? (long)(0 - (ulong)a) : a / b;
    public static long ModL(long a, long b) => b == 0 || b == -1 ? 0 : a % b;
    public static long RemainderL(long a, long b) { long m = ModL(a, b); return m != 0 && ((b < 0) != (m < 0)) ? m + b : m; }
    public static long FmodL(long a, long b) => ModL(a, b);
    public static long FloorDivL(long a, long b)
    {
        if (b == 0) return 0;
        if (b == -1) return (long)(0 - (ulong)a);
        long q = a / b;
        return a % b != 0 && ((a < 0) != (b < 0)) ? q - 1 : q;
    }
    public static long MaxL(long a, long b) => a > b ? a : b;
    public static long MinL(long a, long b) => a < b ? a : b;
    public static long AbsL(long a) => a < 0 ? (long)(0 - (ulong)a) : a;
    public static long PowL(long x, long y)
    {
        if (y < 0) return x == 1 ? 1 : x == -1 ? ((y & 1) == 0 ? 1 : -1) : 0;
        ulong r = 1, b = (ulong)x;
        for (long e = y; e > 0; e >>= 1)
        {
            if ((e & 1) != 0) r *= b;
            b *= b;
        }
        return (long)r;
    }

    /// <summary>Truncation toward zero, NaN to 0, saturating at the int64 range; the caller wraps.</summary>
    public static long DoubleToLong(double x) =>
        double.IsNaN(x) ? 0 : x >= 9.22337203685477580800e18 ? long.MaxValue : x <= -9.22337203685477580800e18 ? long.MinValue : (long)x;

    // Max/min propagate NaN; max(-0, +0) is +0.
    public static float MaxF(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? a + b : a == b ? (float.IsNegative(a) ? b : a) : a > b ? a : b;
    public static float MinF(float a, float b) => float.IsNaN(a) || float.IsNaN(b) ? a + b : a == b ? (float.IsNegative(a) ? a : b) : a < b ? a : b;
    public static double MaxD(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? a + b : a == b ? (double.IsNegative(a) ? b : a) : a > b ? a : b;
    public static double MinD(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? a + b : a == b ? (double.IsNegative(a) ? a : b) : a < b ? a : b;

    // Float intrinsics. Float32 ones with an accurate float formula use it; the rest go through double.
    public static float ExpF(float x) => DeviceMath.Exp(x);
    public static float Exp2F(float x) => (float)Exp2D(x);
    public static float LogF(float x) => DeviceMath.Log(x);
    public static float Log2F(float x) => (float)Log2D(x);
    public static float Log10F(float x) => (float)Log10D(x);
    public static float Log1pF(float x) => DeviceMath.Log1p(x);
    public static float Expm1F(float x) => (float)Expm1D(x);
    public static float SqrtF(float x) => MathF.Sqrt(x);
    public static float RsqrtF(float x) => 1f / MathF.Sqrt(x);
    public static float SinF(float x) => DeviceMath.Sin(x);
    public static float CosF(float x) => DeviceMath.Cos(x);
    public static float TanF(float x) => (float)TanD(x);
    public static float AsinF(float x) => (float)AsinD(x);
    public static float AcosF(float x) => (float)AcosD(x);
    public static float AtanF(float x) => (float)AtanD(x);
    public static float SinhF(float x) => (float)SinhD(x);
    public static float CoshF(float x) => (float)CoshD(x);
    public static float TanhF(float x) => DeviceMath.Tanh(x);
    public static float ErfF(float x) => DeviceMath.Erf(x);
    public static float ErfcF(float x) => (float)ErfcD(x);
    public static float SigmoidF(float x) => DeviceMath.Sigmoid(x);
    public static float AbsF(float x) => MathF.Abs(x);
    public static float FloorF(float x) => MathF.Floor(x);
    public static float CeilF(float x) => MathF.Ceiling(x);
    public static float RoundF(float x) => (float)RoundD(x);
    public static float TruncF(float x) => (float)TruncD(x);
    public static float PowF(float x, float y) => (float)PowD(x, y);
    public static float Atan2F(float x, float y) => (float)Atan2D(x, y);
    public static float FmodF(float x, float y) => (float)FmodD(x, y);
    public static float RemainderF(float x, float y) { float m = FmodF(x, y); return m != 0 && ((y < 0) != (m < 0)) ? m + y : m; }
    /// <summary>floor(a / b) of the exact quotient: a float quotient rounded up to an integer is taken back by the sign of a - q * b.</summary>
    public static float FloorDivF(float a, float b)
    {
        float q = MathF.Floor(a / b);
        double r = a - (double)q * b;
        return (b > 0 ? r < 0 : r > 0) ? q - 1 : q;
    }

    public static double ExpD(double x) => Math.Exp(x);
    public static double Exp2D(double x) => Math.Pow(2, x);
    public static double LogD(double x) => Math.Log(x);
    public static double Log2D(double x) => Math.Log(x) * 1.4426950408889634;
    public static double Log10D(double x) => Math.Log10(x);
    public static double Log1pD(double x) { double u = 1 + x; return u == 1 ? x : double.IsInfinity(u) ? Math.Log(u) : Math.Log(u) * x / (u - 1); }
    public static double Expm1D(double x) => Math.Abs(x) < 1e-5 ? x + x * x / 2 + x * x * x / 6 : Math.Exp(x) - 1;
    public static double SqrtD(double x) => Math.Sqrt(x);
    public static double RsqrtD(double x) => 1 / Math.Sqrt(x);
    public static double SinD(double x) => Math.Sin(x);
    public static double CosD(double x) => Math.Cos(x);
    public static double TanD(double x) => Math.Tan(x);
    public static double AsinD(double x) => Math.Asin(x);
    public static double AcosD(double x) => Math.Acos(x);
    public static double AtanD(double x) => Math.Atan(x);
    public static double SinhD(double x) => Math.Sinh(x);
    public static double CoshD(double x) => Math.Cosh(x);
    public static double TanhD(double x) => Math.Tanh(x);
    public static double ErfcD(double x) => 1 - ErfD(x);
    public static double SigmoidD(double x) => 1 / (1 + Math.Exp(-x));
    public static double AbsD(double x) => Math.Abs(x);
    public static double FloorD(double x) => Math.Floor(x);
    public static double CeilD(double x) => Math.Ceiling(x);
    public static double TruncD(double x) => x < 0 ? Math.Ceiling(x) : Math.Floor(x);
    public static double RoundD(double x)
    {
        double r = Math.Floor(x + 0.5);
        // x + 0.5 may round up for the largest doubles below 0.5 apart; those are integers already.
        if (Math.Abs(x) >= 4503599627370496.0) return x;
        if (r - x == 0.5 && Math.Floor(r * 0.5) * 2 != r) r -= 1;
        return r;
    }
    public static double PowD(double x, double y) => Math.Pow(x, y);
    public static double Atan2D(double x, double y) => Math.Atan2(x, y);
    public static double FmodD(double x, double y) => x % y;
    public static double RemainderD(double x, double y) { double m = FmodD(x, y); return m != 0 && ((y < 0) != (m < 0)) ? m + y : m; }
    public static double FloorDivD(double a, double b) => Math.Floor(a / b);

    /// <summary>erf as the oracle computes it (ILGPU compiles the oracle's own function into the kernel).</summary>
    public static double ErfD(double x) => Jit.Tensors.SpecialFunctions.Erf(x);
}
