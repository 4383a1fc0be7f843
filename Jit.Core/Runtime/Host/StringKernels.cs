using System.Globalization;
using System.Text;
using Jit.Errors;

namespace Jit.Runtime.Host;

/// <summary>TorchScript str operations and <c>aten::format</c> (Python's <c>"{}".format</c>).</summary>
internal static class StringKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::len.str", (i, o) => o[0] = (long)i[0].AsString.Length);
        t.Add("aten::add.str", (i, o) => o[0] = i[0].AsString + i[1].AsString);
        t.Add("aten::__getitem__.str", (i, o) =>
        {
            var s = i[0].AsString;
            o[0] = s[PythonMath.NormalizeIndex(i[1].AsInt, s.Length, "string")].ToString();
        });
        t.Add("prim::StringIndex", (i, o) =>
        {
            var s = i[0].AsString;
            o[0] = s[PythonMath.NormalizeIndex(i[1].AsInt, s.Length, "string")].ToString();
        });
        t.Add("aten::slice.str", (i, o) =>
        {
            var s = i[0].AsString;
            long step = i[3].AsInt;
            var (a, e) = PythonMath.SliceBounds(i[1], i[2], step, s.Length);
            var sb = new StringBuilder();
            for (long k = a; k < e; k += step) sb.Append(s[(int)k]);
            o[0] = sb.ToString();
        });
        t.Add("aten::lower", (i, o) => o[0] = i[0].AsString.ToLowerInvariant());
        t.Add("aten::upper", (i, o) => o[0] = i[0].AsString.ToUpperInvariant());
        t.Add("aten::strip", (i, o) => o[0] = i[0].AsString.Trim(i[1].AsString.ToCharArray()));
        t.Add("aten::startswith", (i, o) => o[0] = i[0].AsString.StartsWith(i[1].AsString, StringComparison.Ordinal));
        t.Add("aten::find", (i, o) => o[0] = Find(i[0].AsString, i[1].AsString, i[2].AsInt, i[3].AsInt, reverse: false));
        t.Add("aten::rfind", (i, o) => o[0] = Find(i[0].AsString, i[1].AsString, i[2].AsInt, i[3].AsInt, reverse: true));
        t.Add("aten::endswith", (i, o) => o[0] = i[0].AsString.EndsWith(i[1].AsString, StringComparison.Ordinal));
        t.Add("aten::join", (i, o) => o[0] = string.Join(i[0].AsString, i[1].AsList.Items.Select(x => x.AsString)));
        t.Add("aten::replace", (i, o) => o[0] = Replace(i[0].AsString, i[1].AsString, i[2].AsString, i[3].AsInt));
        t.Add("aten::str", (i, o) => o[0] = Str(i[0]));
        t.Add("aten::format", (i, o) => o[0] = Format(i[0].AsString, i[1..]));
    }

    /// <summary>
    /// str.find / str.rfind as TorchScript's stringFindImpl: negative bounds count from the end
    /// (end=-1 is the whole string), the match is searched in [start, end) and reported from the
    /// string's start; an empty substring matches at start even past the end.
    /// </summary>
    private static long Find(string s, string sub, long start, long end, bool reverse)
    {
        long size = s.Length;
        if (start < 0) start = Math.Max(0, size + start);
        if (end < 0) end = Math.Max(0, size + end + 1);
        string window = end > start && start < size ? s.Substring((int)start, (int)(Math.Min(end, size) - start)) : "";
        if (window.Length < sub.Length) return -1;
        int pos = reverse ? window.LastIndexOf(sub, StringComparison.Ordinal) : window.IndexOf(sub, StringComparison.Ordinal);
        return pos < 0 ? -1 : pos + start;
    }

    private static string Replace(string s, string old, string replacement, long max)
    {
        if (max < 0) return s.Replace(old, replacement, StringComparison.Ordinal);
        var sb = new StringBuilder();
        int pos = 0;
        for (long n = 0; n < max && old.Length > 0; n++)
        {
            int k = s.IndexOf(old, pos, StringComparison.Ordinal);
            if (k < 0) break;
            sb.Append(s, pos, k - pos).Append(replacement);
            pos = k + old.Length;
        }
        return sb.Append(s, pos, s.Length - pos).ToString();
    }

    /// <summary>Replaces each <c>{}</c> in order with the next argument, as TorchScript's format does.</summary>
    internal static string Format(string pattern, ReadOnlySpan<IValue> args)
    {
        var sb = new StringBuilder();
        int next = 0, pos = 0;
        while (pos < pattern.Length)
        {
            int k = pattern.IndexOf("{}", pos, StringComparison.Ordinal);
            if (k < 0) break;
            sb.Append(pattern, pos, k - pos);
            if (next >= args.Length)
                throw new JitRuntimeException($"format string '{pattern}' has more {{}} than the {args.Length} arguments given");
            sb.Append(Str(args[next++]));
            pos = k + 2;
        }
        return sb.Append(pattern, pos, pattern.Length - pos).ToString();
    }

    /// <summary>Python's <c>str(x)</c> for the values TorchScript formats.</summary>
    internal static string Str(IValue v) => v.Tag switch
    {
        IValueTag.Double => FloatRepr(v.AsDouble),
        IValueTag.List => "[" + string.Join(", ", v.AsList.Items.Select(Repr)) + "]",
        IValueTag.Tuple => v.AsTuple.Count == 1 ? $"({Repr(v.AsTuple[0])},)" : "(" + string.Join(", ", v.AsTuple.Items.Select(Repr)) + ")",
        _ => v.ToString(),
    };

    private static string Repr(IValue v) => v.IsString ? $"'{v.AsString}'" : Str(v);

    /// <summary>Python's float repr: shortest round-trip digits, always with a point or exponent.</summary>
    internal static string FloatRepr(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "-inf";
        string r = d.ToString("R", CultureInfo.InvariantCulture);
        if (r.Contains('E'))
        {
            // .NET prints 1E-05; Python prints 1e-05.
            var parts = r.Split('E');
            int exp = int.Parse(parts[1], CultureInfo.InvariantCulture);
            return $"{parts[0]}e{(exp < 0 ? "-" : "+")}{Math.Abs(exp):00}";
        }
        return r.Contains('.') ? r : r + ".0";
    }
}
