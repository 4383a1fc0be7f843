using Jit.Errors;

namespace Jit.Runtime.Host;

/// <summary>Python's integer and float semantics for the operators TorchScript lowers to host ops.</summary>
internal static class PythonMath
{
    /// <summary>Python's <c>a // b</c> on ints: rounds toward negative infinity.</summary>
    public static long FloorDiv(long a, long b)
    {
        if (b == 0) throw new JitRuntimeException("ZeroDivisionError: integer division or modulo by zero");
        if (a == long.MinValue && b == -1) return long.MinValue; // wraps as int64 does in TorchScript
        long q = a / b;
        if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
        return q;
    }

    /// <summary>Python's <c>a % b</c> on ints: the result has the sign of the divisor.</summary>
    public static long Mod(long a, long b)
    {
        if (b == 0) throw new JitRuntimeException("ZeroDivisionError: integer division or modulo by zero");
        if (b == -1) return 0;
        long r = a % b;
        if (r != 0 && ((r < 0) != (b < 0))) r += b;
        return r;
    }

    public static double FloorDiv(double a, double b)
    {
        if (b == 0) throw new JitRuntimeException("ZeroDivisionError: float divmod()");
        return Math.Floor(a / b);
    }

    public static double Mod(double a, double b)
    {
        if (b == 0) throw new JitRuntimeException("ZeroDivisionError: float modulo");
        double r = a % b;
        if (r != 0 && ((r < 0) != (b < 0))) r += b;
        return r;
    }

    public static double TrueDiv(double a, double b)
    {
        if (b == 0) throw new JitRuntimeException("ZeroDivisionError: float division by zero");
        return a / b;
    }

    /// <summary>Python's <c>round</c>: halves go to the even neighbour.</summary>
    public static double Round(double a) => Math.Round(a, MidpointRounding.ToEven);

    /// <summary>Python's <c>int(x)</c> for a float: truncates; NaN and infinities raise.</summary>
    public static long ToInt(double a)
    {
        if (double.IsNaN(a) || double.IsInfinity(a))
            throw new JitRuntimeException($"ValueError: cannot convert float {a} to integer");
        if (a >= 9.2233720368547758e18 || a < -9.2233720368547758e18)
            throw new JitRuntimeException($"cannot convert float {a} to a 64-bit integer: out of range");
        return (long)Math.Truncate(a);
    }

    /// <summary>Normalizes a Python list index (negative counts from the end); throws when out of range.</summary>
    public static int NormalizeIndex(long index, int count, string what)
    {
        long i = index < 0 ? index + count : index;
        if (i < 0 || i >= count)
            throw new JitRuntimeException($"IndexError: {what} index {index} out of range for length {count}");
        return (int)i;
    }

    /// <summary>Python slice bounds (start, end, step>0) clamped to [0, count].</summary>
    public static (int Start, int End) SliceBounds(IValue start, IValue end, long step, int count)
    {
        if (step <= 0) throw new JitRuntimeException($"slice step must be positive, got {step}");
        long s = start.IsNone ? 0 : start.AsInt;
        long e = end.IsNone ? count : end.AsInt;
        if (s < 0) s += count;
        if (e < 0) e += count;
        s = Math.Clamp(s, 0, count);
        e = Math.Clamp(e, 0, count);
        return ((int)s, (int)Math.Max(e, s));
    }
}
