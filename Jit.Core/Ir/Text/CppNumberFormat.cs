using System.Globalization;

namespace Jit.Ir.Text;

/// <summary>
/// Number formatting as C++ iostreams do it, because PyTorch's IR printer writes numbers with
/// <c>operator&lt;&lt;</c> under various stream flags and our text must match byte for byte.
/// </summary>
internal static class CppNumberFormat
{
    /// <summary><c>%.{precision}g</c>: the stream default (<c>std::defaultfloat</c>).</summary>
    public static string General(double v, int precision = 6)
    {
        if (NonFinite(v) is { } special) return special;
        if (v == 0) return double.IsNegative(v) ? "-0" : "0";
        if (precision == 0) precision = 1;
        // Round to `precision` significant digits first: the exponent after rounding picks the style.
        string e = v.ToString("E" + (precision - 1), CultureInfo.InvariantCulture);
        int ePos = e.IndexOf('E');
        int exponent = int.Parse(e[(ePos + 1)..], CultureInfo.InvariantCulture);
        if (exponent < -4 || exponent >= precision)
        {
            string mantissa = StripZeros(e[..ePos]);
            return mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }
        string fixedText = v.ToString("F" + (precision - 1 - exponent), CultureInfo.InvariantCulture);
        return StripZeros(fixedText);
    }

    /// <summary><c>std::scientific</c> with <paramref name="precision"/> digits after the point: <c>1.0000e-04</c>.</summary>
    public static string Scientific(double v, int precision)
    {
        if (NonFinite(v) is { } special) return special;
        string e = v.ToString("E" + precision, CultureInfo.InvariantCulture);
        int ePos = e.IndexOf('E');
        int exponent = int.Parse(e[(ePos + 1)..], CultureInfo.InvariantCulture);
        return e[..ePos] + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary><c>std::fixed</c> with <paramref name="precision"/> digits after the point.</summary>
    public static string Fixed(double v, int precision)
    {
        if (NonFinite(v) is { } special) return special;
        return v.ToString("F" + precision, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A double as <c>IValue::repr</c> prints it (and so prim::Constant's <c>value=</c>): integral
    /// values below 1e10 as <c>1.</c> / <c>-0.</c>, everything else with 17 significant digits so it
    /// reads back exactly.
    /// </summary>
    public static string DoubleRepr(double d)
    {
        if (double.IsFinite(d) && Math.Abs(d) < 1e10 && d == Math.Truncate(d))
        {
            long i = (long)d;
            if (i == 0 && double.IsNegative(d)) return "-0.";
            return i.ToString(CultureInfo.InvariantCulture) + ".";
        }
        return General(d, 17);
    }

    private static string? NonFinite(double v) =>
        double.IsNaN(v) ? (double.IsNegative(v) ? "-nan" : "nan")
        : double.IsPositiveInfinity(v) ? "inf"
        : double.IsNegativeInfinity(v) ? "-inf"
        : null;

    private static string StripZeros(string s)
    {
        if (!s.Contains('.', StringComparison.Ordinal)) return s;
        s = s.TrimEnd('0');
        return s.EndsWith('.') ? s[..^1] : s;
    }
}
