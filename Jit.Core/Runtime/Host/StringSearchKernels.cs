using Jit.Errors;
using Jit.Ir;

namespace Jit.Runtime.Host;

/// <summary>
/// str.split, str.count and str.index with PyTorch's own index rules, which differ from Python's
/// in places: a negative end counts from one past the last character (so end=-1 is the whole
/// string), count counts every match that starts before end, and split without a separator
/// ignores max.
/// </summary>
internal static class StringSearchKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::split.str", (i, o) =>
        {
            string s = i[0].AsString;
            var parts = i[1].IsNone ? SplitWhitespace(s) : Split(s, i[1].AsString, i[2].AsInt);
            o[0] = IValue.FromList(new IValueList(StringType.Instance, parts.Select(IValue.FromString).ToList()));
        });
        t.Add("aten::count", (i, o) => o[0] = Count(i[0].AsString, i[1].AsString, i[2].AsInt, i[3].AsInt));
        t.Add("aten::index.str", (i, o) =>
        {
            long k = Find(i[0].AsString, i[1].AsString, i[2].AsInt, i[3].AsInt);
            if (k < 0) throw new JitRuntimeException("ValueError: substring not found");
            o[0] = k;
        });
    }

    private static (int Start, int End) Bounds(int size, long start, long end)
    {
        if (start < 0) start = Math.Max(0, size + start);
        if (end < 0) end = Math.Max(0, size + end + 1);
        return ((int)Math.Min(start, size), (int)Math.Min(end, size));
    }

    private static long Count(string s, string sub, long start, long end)
    {
        if (start > s.Length) return 0;
        var (b, e) = Bounds(s.Length, start, end);
        // PyTorch 1.13 loops forever on an empty substring; Python counts every position.
        if (sub.Length == 0) return Math.Max(0, e - b) + 1;
        long n = 0;
        for (int pos = s.IndexOf(sub, b, StringComparison.Ordinal); pos >= 0 && pos < e; pos = s.IndexOf(sub, pos + sub.Length, StringComparison.Ordinal))
            n++;
        return n;
    }

    private static long Find(string s, string sub, long start, long end)
    {
        var (b, e) = Bounds(s.Length, start, end);
        string window = e > b ? s[b..e] : "";
        if (window.Length < sub.Length) return -1;
        int pos = window.IndexOf(sub, StringComparison.Ordinal);
        return pos < 0 ? -1 : pos + b;
    }

    private static List<string> Split(string s, string sep, long max)
    {
        if (sep.Length == 0) throw new JitRuntimeException("ValueError: empty separator");
        var parts = new List<string>();
        int from = 0;
        while (max < 0 || parts.Count < max)
        {
            int pos = s.IndexOf(sep, from, StringComparison.Ordinal);
            if (pos < 0) break;
            parts.Add(s[from..pos]);
            from = pos + sep.Length;
        }
        parts.Add(s[from..]);
        return parts;
    }

    private static List<string> SplitWhitespace(string s) =>
        s.Split([' ', '\t', '\n', '\r', '\v', '\f'], StringSplitOptions.RemoveEmptyEntries).ToList();
}
