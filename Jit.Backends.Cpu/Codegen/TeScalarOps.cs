using System.Numerics;
using System.Runtime.Intrinsics;
using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// Scalar helpers the generated IL calls where one IL opcode is not enough: the evaluator's
/// exact semantics for half/bfloat16 rounding, float-to-int casts, C-style integer division that
/// never traps, the rarely used intrinsics (done in double, rounded by the caller, exactly as
/// TeEvaluator) and horizontal reductions of vector accumulators.
/// </summary>
internal static class TeScalarOps
{
    public static float HalfBitsToFloat(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);
    public static ushort FloatToHalfBits(float x) => BitConverter.HalfToUInt16Bits((Half)x);
    public static float BFloatBitsToFloat(ushort bits) => BFloat16.ToSingle(bits);
    public static ushort FloatToBFloatBits(float x) => BFloat16.FromSingle(x);
    public static float RoundHalf(float x) => (float)(Half)x;
    public static float RoundBFloat(float x) => BFloat16.ToSingle(BFloat16.FromSingle(x));

    /// <summary>Truncation toward zero, NaN to 0; the caller wraps to the target width.</summary>
    public static long FloatToLong(double x) => double.IsNaN(x) ? 0 : (long)Math.Truncate(x);

    public static long DivI(long p, long q) => q == 0 ? throw DivByZero() : q == -1 ? unchecked(-p) : p / q;
    public static long ModI(long p, long q) => q == 0 ? throw DivByZero() : q == -1 ? 0 : p % q;

    /// <summary>A floating intrinsic in double (the caller rounds to the dtype).</summary>
    public static double CallF(double x, double y, int fn) => (Intrinsic)fn switch
    {
        Intrinsic.Exp => Math.Exp(x),
        Intrinsic.Exp2 => Math.Pow(2, x),
        Intrinsic.Log => Math.Log(x),
        Intrinsic.Log2 => Math.Log2(x),
        Intrinsic.Log10 => Math.Log10(x),
        Intrinsic.Log1p => SpecialFunctions.Log1p(x),
        Intrinsic.Expm1 => SpecialFunctions.Expm1(x),
        Intrinsic.Sqrt => Math.Sqrt(x),
        Intrinsic.Rsqrt => 1 / Math.Sqrt(x),
        Intrinsic.Sin => Math.Sin(x),
        Intrinsic.Cos => Math.Cos(x),
        Intrinsic.Tan => Math.Tan(x),
        Intrinsic.Asin => Math.Asin(x),
        Intrinsic.Acos => Math.Acos(x),
        Intrinsic.Atan => Math.Atan(x),
        Intrinsic.Sinh => Math.Sinh(x),
        Intrinsic.Cosh => Math.Cosh(x),
        Intrinsic.Tanh => Math.Tanh(x),
        Intrinsic.Erf => SpecialFunctions.Erf(x),
        Intrinsic.Erfc => 1 - SpecialFunctions.Erf(x),
        Intrinsic.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Intrinsic.Abs => Math.Abs(x),
        Intrinsic.Floor => Math.Floor(x),
        Intrinsic.Ceil => Math.Ceiling(x),
        Intrinsic.Round => Math.Round(x, MidpointRounding.ToEven),
        Intrinsic.Trunc => Math.Truncate(x),
        Intrinsic.Pow => Math.Pow(x, y),
        Intrinsic.Atan2 => Math.Atan2(x, y),
        Intrinsic.Fmod => x % y,
        Intrinsic.Remainder => FloatRemainder(x, y),
        Intrinsic.FloorDiv => Math.Floor(x / y),
        _ => throw new JitRuntimeException($"{(Intrinsic)fn} is not a floating-point intrinsic"),
    };

    private static double FloatRemainder(double x, double y)
    {
        double m = x % y;
        if (m != 0 && (y < 0) != (m < 0)) m += y;
        return m;
    }

    /// <summary>An integer intrinsic, wrapped to <paramref name="dtype"/> (the evaluator's IntCall).</summary>
    public static long CallI(long x, long y, int fn, int dtype)
    {
        var t = (DType)dtype;
        switch ((Intrinsic)fn)
        {
            case Intrinsic.Abs: return Wrap(t, unchecked(x < 0 ? -x : x));
            case Intrinsic.Floor or Intrinsic.Ceil or Intrinsic.Round or Intrinsic.Trunc: return x;
            case Intrinsic.Fmod: return ModI(x, y);
            case Intrinsic.Remainder:
            {
                long m = ModI(x, y);
                return m != 0 && (y < 0) != (m < 0) ? m + y : m;
            }
            case Intrinsic.FloorDiv:
            {
                if (y == 0) throw DivByZero();
                if (y == -1) return Wrap(t, unchecked(-x));
                long q = x / y;
                return (x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q;
            }
            case Intrinsic.Pow:
            {
                if (y < 0)
                {
                    if (x == 1) return 1;
                    if (x == -1) return (y & 1) == 0 ? 1 : -1;
                    throw new JitRuntimeException("integers to negative integer powers are not allowed");
                }
                long r = 1, p = x;
                for (long e = y; e > 0; e >>= 1)
                {
                    if ((e & 1) != 0) r = Wrap(t, unchecked(r * p));
                    p = Wrap(t, unchecked(p * p));
                }
                return r;
            }
            default: throw new JitRuntimeException($"{(Intrinsic)fn} is not defined on {t.PythonName()}");
        }
    }

    private static long Wrap(DType t, long v) => t switch
    {
        DType.Int32 => unchecked((int)v),
        DType.Int16 => unchecked((short)v),
        DType.Int8 => unchecked((sbyte)v),
        DType.UInt8 => unchecked((byte)v),
        DType.Bool => v != 0 ? 1 : 0,
        _ => v,
    };

    private static JitRuntimeException DivByZero() => new("integer division by zero");

    // Horizontal reductions of a vector accumulator. Sum adds lanes pairwise (Vector.Sum); the
    // others fold lanes in order with NaN-propagating min/max, as the scalar combiner does.
    public static T Sum256<T>(Vector256<T> v) where T : INumber<T> => Vector256.Sum(v);
    public static T Sum512<T>(Vector512<T> v) where T : INumber<T> => Vector512.Sum(v);
    public static T Prod256<T>(Vector256<T> v) where T : INumber<T> => Fold(v.AsSpan(), 0);
    public static T Prod512<T>(Vector512<T> v) where T : INumber<T> => Fold(v.AsSpan(), 0);
    public static T Max256<T>(Vector256<T> v) where T : INumber<T> => Fold(v.AsSpan(), 1);
    public static T Max512<T>(Vector512<T> v) where T : INumber<T> => Fold(v.AsSpan(), 1);
    public static T Min256<T>(Vector256<T> v) where T : INumber<T> => Fold(v.AsSpan(), 2);
    public static T Min512<T>(Vector512<T> v) where T : INumber<T> => Fold(v.AsSpan(), 2);

    private static T Fold<T>(ReadOnlySpan<T> lanes, int kind) where T : INumber<T>
    {
        T acc = lanes[0];
        for (int i = 1; i < lanes.Length; i++)
        {
            T x = lanes[i];
            acc = kind switch
            {
                0 => acc * x,
                1 => T.IsNaN(acc) || T.IsNaN(x) ? T.CreateTruncating(double.NaN) : T.Max(acc, x),
                _ => T.IsNaN(acc) || T.IsNaN(x) ? T.CreateTruncating(double.NaN) : T.Min(acc, x),
            };
        }
        return acc;
    }

    private static ReadOnlySpan<T> AsSpan<T>(this Vector256<T> v) where T : INumber<T>
    {
        var a = new T[Vector256<T>.Count];
        v.CopyTo(a);
        return a;
    }

    private static ReadOnlySpan<T> AsSpan<T>(this Vector512<T> v) where T : INumber<T>
    {
        var a = new T[Vector512<T>.Count];
        v.CopyTo(a);
        return a;
    }
}
