using Jit.Errors;
using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>
/// One scalar value of a known dtype: <see cref="F"/> for floating dtypes (already rounded to the
/// dtype), <see cref="I"/> for integers and bool (already wrapped; bool is 0 or 1).
/// </summary>
internal readonly record struct Scalar(double F, long I)
{
    public static Scalar Of(long i) => new(0, i);
    public static Scalar Of(double f) => new(f, 0);
}

/// <summary>
/// The scalar semantics of the TE IR, shared by the evaluator and the simplifier's constant
/// folding so that folding can never disagree with running.
/// </summary>
internal static class ScalarMath
{
    public static double RoundTo(DType t, double v) => t switch
    {
        DType.Float32 => (float)v,
        // c10 converts double to half through float; so do we (double rounding included).
        DType.Float16 => (double)(Half)(float)v,
        DType.BFloat16 => BFloat16.ToSingle(BFloat16.FromSingle((float)v)),
        _ => v,
    };

    public static long Wrap(DType t, long v) => t switch
    {
        DType.Int32 => unchecked((int)v),
        DType.Int16 => unchecked((short)v),
        DType.Int8 => unchecked((sbyte)v),
        DType.UInt8 => unchecked((byte)v),
        DType.Bool => v != 0 ? 1 : 0,
        _ => v,
    };

    public static long MinValue(DType t) => t switch
    {
        DType.Int32 => int.MinValue, DType.Int16 => short.MinValue, DType.Int8 => sbyte.MinValue,
        DType.UInt8 or DType.Bool => 0, _ => long.MinValue,
    };

    public static long MaxValue(DType t) => t switch
    {
        DType.Int32 => int.MaxValue, DType.Int16 => short.MaxValue, DType.Int8 => sbyte.MaxValue,
        DType.UInt8 => byte.MaxValue, DType.Bool => 1, _ => long.MaxValue,
    };

    public static double AsDouble(DType t, Scalar x) => t.IsFloatingPoint() ? x.F : x.I;

    public static Scalar Cast(DType from, DType to, Scalar x)
    {
        if (from.IsFloatingPoint())
        {
            if (to.IsFloatingPoint()) return Scalar.Of(RoundTo(to, x.F));
            if (to == DType.Bool) return Scalar.Of(x.F != 0 || double.IsNaN(x.F) ? 1L : 0L);
            // Truncation toward zero; NaN becomes 0 (PyTorch leaves it undefined).
            return Scalar.Of(Wrap(to, double.IsNaN(x.F) ? 0 : (long)Math.Truncate(x.F)));
        }
        if (to == DType.Float32) return Scalar.Of((double)(float)x.I);
        if (to.IsFloatingPoint()) return Scalar.Of(RoundTo(to, x.I));
        return Scalar.Of(Wrap(to, x.I));
    }

    public static Scalar Binary(BinaryOp op, DType t, Scalar a, Scalar b)
    {
        if (BinaryExpr.IsComparison(op)) return Scalar.Of(Compare(op, t, a, b) ? 1L : 0L);
        if (t.IsFloatingPoint())
        {
            double x = a.F, y = b.F;
            double r = op switch
            {
                BinaryOp.Add => x + y,
                BinaryOp.Sub => x - y,
                BinaryOp.Mul => x * y,
                BinaryOp.Div => x / y,
                BinaryOp.Mod => x % y,
                BinaryOp.Min => double.IsNaN(x) || double.IsNaN(y) ? double.NaN : Math.Min(x, y),
                BinaryOp.Max => double.IsNaN(x) || double.IsNaN(y) ? double.NaN : Math.Max(x, y),
                _ => throw new JitRuntimeException($"{op} is not defined on {t.PythonName()}"),
            };
            // Exact in double then rounded once: the same as computing in the narrower type.
            return Scalar.Of(RoundTo(t, r));
        }
        long p = a.I, q = b.I;
        long v = op switch
        {
            BinaryOp.Add => unchecked(p + q),
            BinaryOp.Sub => unchecked(p - q),
            BinaryOp.Mul => unchecked(p * q),
            BinaryOp.Div => q == 0 ? throw DivByZero() : q == -1 ? unchecked(-p) : p / q,
            BinaryOp.Mod => q == 0 ? throw DivByZero() : q == -1 ? 0 : p % q,
            BinaryOp.Min => Math.Min(p, q),
            BinaryOp.Max => Math.Max(p, q),
            BinaryOp.And => p & q,
            BinaryOp.Or => p | q,
            _ => p ^ q,
        };
        return Scalar.Of(Wrap(t, v));
    }

    private static bool Compare(BinaryOp op, DType t, Scalar a, Scalar b)
    {
        if (t.IsFloatingPoint())
        {
            double x = a.F, y = b.F;
            return op switch
            {
                BinaryOp.Eq => x == y, BinaryOp.Ne => x != y, BinaryOp.Lt => x < y,
                BinaryOp.Le => x <= y, BinaryOp.Gt => x > y, _ => x >= y,
            };
        }
        long p = a.I, q = b.I;
        return op switch
        {
            BinaryOp.Eq => p == q, BinaryOp.Ne => p != q, BinaryOp.Lt => p < q,
            BinaryOp.Le => p <= q, BinaryOp.Gt => p > q, _ => p >= q,
        };
    }

    public static Scalar Unary(UnaryOp op, DType t, Scalar x)
    {
        if (op == UnaryOp.Neg) return t.IsFloatingPoint() ? Scalar.Of(-x.F) : Scalar.Of(Wrap(t, unchecked(-x.I)));
        if (t.IsFloatingPoint()) throw new JitRuntimeException($"Not is not defined on {t.PythonName()}");
        return Scalar.Of(t == DType.Bool ? 1 - x.I : Wrap(t, ~x.I));
    }

    public static Scalar Call(Intrinsic fn, DType t, Scalar a, Scalar b)
    {
        if (fn == Intrinsic.IsNan) return Scalar.Of(t.IsFloatingPoint() && double.IsNaN(a.F) ? 1L : 0L);
        if (!t.IsFloatingPoint()) return Scalar.Of(Wrap(t, IntCall(fn, t, a.I, b.I)));
        double x = a.F, y = b.F;
        double r = fn switch
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
            _ => Math.Floor(x / y),
        };
        return Scalar.Of(RoundTo(t, r));
    }

    private static double FloatRemainder(double x, double y)
    {
        // PyTorch: m = fmod(a, b); if (m != 0 && (b < 0) != (m < 0)) m += b.
        double m = x % y;
        if (m != 0 && (y < 0) != (m < 0)) m += y;
        return m;
    }

    private static long IntCall(Intrinsic fn, DType t, long x, long y)
    {
        switch (fn)
        {
            case Intrinsic.Abs: return unchecked(x < 0 ? -x : x);
            case Intrinsic.Floor or Intrinsic.Ceil or Intrinsic.Round or Intrinsic.Trunc: return x;
            case Intrinsic.Fmod: return y == 0 ? throw DivByZero() : y == -1 ? 0 : x % y;
            case Intrinsic.Remainder:
            {
                if (y == 0) throw DivByZero();
                long m = y == -1 ? 0 : x % y;
                return m != 0 && (y < 0) != (m < 0) ? m + y : m;
            }
            case Intrinsic.FloorDiv:
            {
                if (y == 0) throw DivByZero();
                if (y == -1) return unchecked(-x);
                long q = x / y;
                return (x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q;
            }
            case Intrinsic.Pow:
            {
                if (y < 0)
                {
                    // PyTorch refuses negative integer powers except of 1 and -1.
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
            default: throw new JitRuntimeException($"{fn} is not defined on {t.PythonName()}");
        }
    }

    private static JitRuntimeException DivByZero() => new("integer division by zero");
}
