using System.Globalization;
using System.Text;
using Jit.Errors;

namespace Jit.Ir.Text;

/// <summary>
/// A cursor over IR text for the hand-written <see cref="IrParser"/>. The IR is parsed without a
/// separate token stream because some attribute values (rounded tensor printouts) are kept as
/// raw text slices. Spaces and tabs are skipped; newlines are significant and reported.
/// </summary>
internal sealed class IrLexer(string text, string? sourceName)
{
    private const int MaxNesting = 256;
    private int _depth;

    public string Text { get; } = text;
    public int Position { get; set; }
    public bool AtEnd => Position >= Text.Length;
    public char Current => Position < Text.Length ? Text[Position] : '\0';
    public char PeekAt(int offset) => Position + offset < Text.Length && Position + offset >= 0 ? Text[Position + offset] : '\0';

    public JitParseException Error(string message) => ErrorAt(Position, message);

    public JitParseException ErrorAt(int position, string message)
    {
        int line = 1, column = 1;
        for (int i = 0; i < position && i < Text.Length; i++)
        {
            if (Text[i] == '\n') { line++; column = 1; }
            else column++;
        }
        return new JitParseException(message, line, column, sourceName);
    }

    /// <summary>What is at the cursor, for "expected X but found Y" messages.</summary>
    public string Describe()
    {
        if (AtEnd) return "end of text";
        if (Current == '\n') return "end of line";
        int end = Position;
        while (end < Text.Length && end - Position < 20 && Text[end] != '\n') end++;
        return "'" + Text[Position..end] + "'";
    }

    /// <summary>Guards recursive descent against stack overflow on deeply nested input.</summary>
    public NestingGuard Nest()
    {
        if (++_depth > MaxNesting) throw Error($"nesting deeper than {MaxNesting} levels");
        return new NestingGuard(this);
    }

    internal readonly struct NestingGuard(IrLexer lexer) : IDisposable
    {
        public void Dispose() => lexer._depth--;
    }

    public void SkipSpaces()
    {
        while (Position < Text.Length && (Text[Position] == ' ' || Text[Position] == '\t' || Text[Position] == '\r')) Position++;
    }

    /// <summary>Skips blank lines and lines that hold only a comment (<c># CHECK: ...</c>).</summary>
    public void SkipBlankLines()
    {
        while (true)
        {
            SkipSpaces();
            if (Current == '#') SkipToEndOfLine();
            if (Current != '\n') return;
            Position++;
        }
    }

    public void SkipToEndOfLine()
    {
        while (Position < Text.Length && Text[Position] != '\n') Position++;
    }

    /// <summary>The rest of the line (a trailing comment's text), not including the newline.</summary>
    public string RestOfLine()
    {
        int start = Position;
        SkipToEndOfLine();
        return Text[start..Position];
    }

    public bool LookingAt(string s) => string.CompareOrdinal(Text, Position, s, 0, s.Length) == 0;

    public bool TryConsume(string s)
    {
        SkipSpaces();
        if (!LookingAt(s)) return false;
        Position += s.Length;
        return true;
    }

    public void Expect(string s, string context)
    {
        if (!TryConsume(s)) throw Error($"expected '{s}' {context} but found {Describe()}");
    }

    public void ExpectEndOfLine(string context)
    {
        SkipSpaces();
        if (AtEnd) return;
        if (Current != '\n') throw Error($"expected end of line {context} but found {Describe()}");
        Position++;
    }

    public static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '.';

    /// <summary>A value name after <c>%</c>: letters, digits, <c>_</c> and <c>.</c> (<c>x.1</c>, <c>self.weight</c>).</summary>
    public string ReadValueName()
    {
        int start = Position;
        while (Position < Text.Length && IsNameChar(Text[Position])) Position++;
        if (Position == start) throw Error($"expected a value name after '%' but found {Describe()}");
        return Text[start..Position];
    }

    /// <summary>An identifier, possibly qualified: <c>aten::add</c>, <c>__torch__.models.MLP</c>.</summary>
    public string? TryReadQualifiedName()
    {
        SkipSpaces();
        int start = Position;
        if (!(char.IsAsciiLetter(Current) || Current == '_')) return null;
        while (Position < Text.Length)
        {
            char c = Text[Position];
            if (IsNameChar(c)) Position++;
            else if (c == ':' && PeekAt(1) == ':' && (char.IsAsciiLetter(PeekAt(2)) || PeekAt(2) == '_')) Position += 2;
            else break;
        }
        return Text[start..Position];
    }

    public string ReadQualifiedName(string what) =>
        TryReadQualifiedName() ?? throw Error($"expected {what} but found {Describe()}");

    public long ReadInteger(string what)
    {
        SkipSpaces();
        int start = Position;
        if (Current == '-') Position++;
        while (char.IsAsciiDigit(Current)) Position++;
        if (!long.TryParse(Text.AsSpan(start, Position - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
            throw ErrorAt(start, $"expected {what} (an integer) but found {DescribeAt(start)}");
        return v;
    }

    private string DescribeAt(int position)
    {
        int saved = Position;
        Position = position;
        string d = Describe();
        Position = saved;
        return d;
    }

    /// <summary>
    /// A number as the printer writes it: <c>3</c>, <c>-0.</c>, <c>2.5</c>, <c>1e+20</c>, <c>inf</c>,
    /// <c>-nan</c>. Returns null (cursor unmoved) when there is none.
    /// </summary>
    public (string Text, bool IsFloat)? TryReadNumber()
    {
        SkipSpaces();
        int start = Position;
        if (Current == '-' || Current == '+') Position++;
        foreach (var word in new[] { "inf", "nan" })
        {
            if (LookingAt(word) && !IsNameChar(PeekAt(word.Length)))
            {
                Position += word.Length;
                return (Text[start..Position], true);
            }
        }
        bool isFloat = false;
        int digitsStart = Position;
        while (char.IsAsciiDigit(Current)) Position++;
        if (Current == '.') { isFloat = true; Position++; while (char.IsAsciiDigit(Current)) Position++; }
        if (Position == digitsStart || (Position == digitsStart + 1 && isFloat))
        {
            Position = start;
            return null;
        }
        if ((Current == 'e' || Current == 'E') && (char.IsAsciiDigit(PeekAt(1)) || ((PeekAt(1) == '-' || PeekAt(1) == '+') && char.IsAsciiDigit(PeekAt(2)))))
        {
            isFloat = true;
            Position += 2;
            while (char.IsAsciiDigit(Current)) Position++;
        }
        return (Text[start..Position], isFloat);
    }

    public static double ParseDouble(string text) => text.TrimStart('+') switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        "-nan" => -double.NaN,
        var t => double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// A double-quoted string with <c>c10::printQuotedString</c>'s escapes, decoded as UTF-8. A
    /// backslash and three characters is an octal byte, computed digit by digit so that the odd
    /// forms printed for bytes &gt;= 0x80 (<c>\0)+</c>) decode to the original byte too.
    /// </summary>
    public string ReadQuotedString()
    {
        SkipSpaces();
        int start = Position;
        if (Current != '"') throw Error($"expected a string but found {Describe()}");
        Position++;
        var bytes = new List<byte>();
        Span<byte> utf8 = stackalloc byte[4];
        while (true)
        {
            if (AtEnd || Current == '\n') throw ErrorAt(start, "unterminated string");
            char c = Current;
            if (c == '"') { Position++; break; }
            if (c != '\\')
            {
                int n = Encoding.UTF8.GetBytes(Text.AsSpan(Position, char.IsHighSurrogate(c) && Position + 1 < Text.Length ? 2 : 1), utf8);
                for (int i = 0; i < n; i++) bytes.Add(utf8[i]);
                Position += char.IsHighSurrogate(c) && Position + 1 < Text.Length ? 2 : 1;
                continue;
            }
            char e = PeekAt(1);
            byte? simple = e switch
            {
                '\\' => (byte)'\\', '\'' => (byte)'\'', '"' => (byte)'"', 'a' => 7, 'b' => 8,
                'f' => 12, 'n' => 10, 'r' => 13, 't' => 9, 'v' => 11, _ => null,
            };
            if (simple is { } b) { bytes.Add(b); Position += 2; continue; }
            int value = 0;
            for (int i = 1; i <= 3; i++)
            {
                int d = PeekAt(i) - '0';
                if (d < -8 || d > 7) throw ErrorAt(Position, "bad escape in string: expected \\ and three octal digits, or one of \\\\ \\' \\\" \\a \\b \\f \\n \\r \\t \\v");
                value = value * 8 + d;
            }
            if (value < -128 || value > 255) throw ErrorAt(Position, "escaped byte out of range");
            bytes.Add((byte)value);
            Position += 4;
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
