using System.Globalization;
using System.Text;
using Jit.Ir;
using Jit.Runtime;

namespace Jit.Ops;

/// <summary>Spells types and default values the way PyTorch prints a schema, so a parse prints back unchanged.</summary>
internal static class SchemaFormat
{
    public static string TypeName(JitType t) => t.ToString() ?? "";

    public static string Default(Argument arg, IValue v)
    {
        if (v.IsString) return Quote(v.AsString);
        // PyTorch prints an int list whose items are all equal as one int (`int[2] stride=1`), as
        // native_functions.yaml writes it; a one-item list stays a list (`int[1] stride=[1]`).
        var unopt = arg.Type is OptionalType o ? o.Element : arg.Type;
        if (v.IsList && unopt is ListType { Element: IntType } && arg.Type is not OptionalType)
        {
            var items = v.AsList.Items;
            if (items.Count > 1 && items.All(i => i.Equals(items[0]))) return Value(items[0]);
        }
        return Value(v);
    }

    public static string Value(IValue v) => v.Tag switch
    {
        IValueTag.Double => Double(v.AsDouble),
        IValueTag.String => Quote(v.AsString),
        IValueTag.List => "[" + string.Join(", ", v.AsList.Items.Select(Value)) + "]",
        IValueTag.Tuple => "(" + string.Join(", ", v.AsTuple.Items.Select(Value)) + ")",
        _ => v.ToString(),
    };

    /// <summary>As c10's IValue printer: integral doubles as <c>1.</c>, others with 17 significant digits (<c>%.17g</c>).</summary>
    public static string Double(double d)
    {
        if ((double.IsNormal(d) || d == 0) && Math.Abs(d) < 1e10 && Math.Truncate(d) == d)
        {
            long i = (long)d;
            return (i == 0 && double.IsNegative(d) ? "-" : "") + i.ToString(CultureInfo.InvariantCulture) + ".";
        }
        if (double.IsNaN(d)) return "nan";
        if (double.IsInfinity(d)) return d > 0 ? "inf" : "-inf";
        var s = d.ToString("G17", CultureInfo.InvariantCulture);
        int e = s.IndexOf('E', StringComparison.Ordinal);
        if (e < 0) return s;
        // .NET writes E-05 / E+20; C writes e-05 / e+20 with at least two exponent digits.
        var mant = s[..e];
        var sign = s[e + 1] == '-' ? "-" : "+";
        var digits = s[(e + 1)..].TrimStart('+', '-');
        if (digits.Length < 2) digits = "0" + digits;
        return mant + "e" + sign + digits;
    }

    public static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '\\' => "\\\\",
                '\'' => "\\'",
                '"' => "\\\"",
                '\a' => "\\a",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\v' => "\\v",
                _ when c < 0x20 || c == 0x7f => "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }
}
