using System.Text.RegularExpressions;
using Jit.Ir;
using Jit.Ir.Text;
using Xunit.Sdk;

namespace Jit.Tests.Testing;

/// <summary>
/// LLVM/PyTorch-style FileCheck for IR text: an ordered list of directives run against a string.
/// <c>CHECK</c> finds text after the previous match, <c>CHECK-NEXT</c> on the following line,
/// <c>CHECK-SAME</c> on the same line, <c>CHECK-NOT</c> forbids text between the matches around
/// it, <c>CHECK-COUNT-n</c> finds n occurrences in a row (<c>CHECK-COUNT-EXACTLY-n</c>: and no more).
/// Directives come from the fluent methods or from <c># CHECK: text</c> lines (PyTorch's way of
/// embedding them in an IR test input).
/// </summary>
public sealed class FileCheck
{
    private enum Kind { Check, Next, Same, Not, Count }

    private sealed record Directive(Kind Kind, string Text, int Count = 1, bool Exactly = false)
    {
        public override string ToString() => Kind switch
        {
            Kind.Check => $"CHECK: {Text}",
            Kind.Next => $"CHECK-NEXT: {Text}",
            Kind.Same => $"CHECK-SAME: {Text}",
            Kind.Not => $"CHECK-NOT: {Text}",
            _ => $"CHECK-COUNT{(Exactly ? "-EXACTLY" : "")}-{Count}: {Text}",
        };
    }

    private static readonly Regex DirectiveLine = new(@"#\s*CHECK(-NEXT|-SAME|-NOT|-COUNT-EXACTLY-(\d+)|-COUNT-(\d+))?:\s?(.*)$", RegexOptions.CultureInvariant);

    private readonly List<Directive> _directives = [];

    public FileCheck Check(string text) => Add(new Directive(Kind.Check, text));
    public FileCheck CheckNext(string text) => Add(new Directive(Kind.Next, text));
    public FileCheck CheckSame(string text) => Add(new Directive(Kind.Same, text));
    public FileCheck CheckNot(string text) => Add(new Directive(Kind.Not, text));
    public FileCheck CheckCount(string text, int count, bool exactly = false) => Add(new Directive(Kind.Count, text, count, exactly));

    private FileCheck Add(Directive d)
    {
        if (d.Text.Length == 0) throw new ArgumentException($"{d.Kind} needs text to look for");
        if (d.Kind == Kind.Count && d.Count < 0) throw new ArgumentException("CHECK-COUNT needs a count >= 0");
        _directives.Add(d);
        return this;
    }

    /// <summary>Directives from every <c># CHECK...:</c> line of <paramref name="source"/>.</summary>
    public static FileCheck FromComments(string source)
    {
        var fc = new FileCheck();
        foreach (var line in source.Split('\n'))
        {
            var m = DirectiveLine.Match(line);
            if (!m.Success) continue;
            string text = m.Groups[4].Value.TrimEnd('\r', ' ');
            string suffix = m.Groups[1].Value;
            if (suffix == "") fc.Check(text);
            else if (suffix == "-NEXT") fc.CheckNext(text);
            else if (suffix == "-SAME") fc.CheckSame(text);
            else if (suffix == "-NOT") fc.CheckNot(text);
            else if (m.Groups[2].Success) fc.CheckCount(text, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), exactly: true);
            else fc.CheckCount(text, int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
        return fc;
    }

    /// <summary>Runs the <c># CHECK</c> lines of <paramref name="checks"/> against <paramref name="text"/>.</summary>
    public static void Run(string checks, string text) => FromComments(checks).Run(text);

    /// <summary>Runs the <c># CHECK</c> lines against the printed graph.</summary>
    public static void Run(string checks, Graph graph) => FromComments(checks).Run(IrPrinter.Print(graph));

    public void Run(Graph graph) => Run(IrPrinter.Print(graph));

    public void Run(string text)
    {
        if (_directives.Count == 0) throw new XunitException("FileCheck has no directives: nothing would be checked");
        int position = 0;
        int lastMatchStart = -1;
        var pendingNots = new List<Directive>();
        foreach (var d in _directives)
        {
            if (d.Kind == Kind.Not) { pendingNots.Add(d); continue; }
            int searchFrom = position;
            int start = text.IndexOf(d.Text, searchFrom, StringComparison.Ordinal);
            if (d.Kind == Kind.Count)
            {
                int found = 0, end = position, lastStart = position;
                for (int at = start; found < d.Count && at >= 0; at = text.IndexOf(d.Text, end, StringComparison.Ordinal))
                {
                    if (found == 0) start = at;
                    found++;
                    lastStart = at;
                    end = at + d.Text.Length;
                }
                if (found < d.Count) Fail(d, text, position, $"found only {found} of {d.Count}");
                if (d.Count == 0) { start = position; end = position; }
                if (d.Exactly && text.IndexOf(d.Text, end, StringComparison.Ordinal) >= 0)
                    Fail(d, text, end, $"found more than {d.Count}");
                CheckNots(pendingNots, text, position, start);
                position = end;
                // CHECK-NEXT/SAME after a count refer to the line of its last occurrence.
                lastMatchStart = lastStart;
                continue;
            }
            if (start < 0) Fail(d, text, position, "not found");
            if (d.Kind == Kind.Next && LineOf(text, start) != LineOf(text, Math.Max(lastMatchStart, 0)) + 1)
                Fail(d, text, position, "not on the line after the previous match");
            if (d.Kind == Kind.Same && (lastMatchStart < 0 || LineOf(text, start) != LineOf(text, lastMatchStart)))
                Fail(d, text, position, "not on the same line as the previous match");
            CheckNots(pendingNots, text, position, start);
            position = start + d.Text.Length;
            lastMatchStart = start;
        }
        CheckNots(pendingNots, text, position, text.Length);
    }

    private static void CheckNots(List<Directive> nots, string text, int from, int to)
    {
        foreach (var d in nots)
        {
            int at = text.IndexOf(d.Text, from, StringComparison.Ordinal);
            if (at >= 0 && at + d.Text.Length <= to) Fail(d, text, at, "found where it must not be");
        }
        nots.Clear();
    }

    private static int LineOf(string text, int position)
    {
        int line = 0;
        for (int i = 0; i < position && i < text.Length; i++)
            if (text[i] == '\n') line++;
        return line;
    }

    private static void Fail(Directive d, string text, int position, string why)
    {
        int lineStart = text.LastIndexOf('\n', Math.Clamp(position - 1, 0, Math.Max(text.Length - 1, 0))) + 1;
        if (position == 0) lineStart = 0;
        int lineEnd = text.IndexOf('\n', Math.Min(position, text.Length));
        string context = text[Math.Min(lineStart, text.Length)..(lineEnd < 0 ? text.Length : lineEnd)];
        throw new XunitException($"FileCheck failed: '{d}' {why} (searching from line {LineOf(text, position) + 1}: {context})\nin:\n{text}");
    }
}
