using System.Globalization;
using Jit.Errors;

namespace Jit.Serialization.Npy;

/// <summary>Parses the Python dict literal of a .npy header: <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), }</c>.</summary>
internal static class NpyHeader
{
    public static (string Descr, bool FortranOrder, long[] Shape) Parse(string text, long offset)
    {
        var p = new Cursor(text, offset);
        string? descr = null;
        bool? fortran = null;
        long[]? shape = null;
        p.Expect('{');
        while (!p.TryConsume('}'))
        {
            string key = p.ReadString();
            p.Expect(':');
            switch (key)
            {
                case "descr": descr = p.ReadString(); break;
                case "fortran_order": fortran = p.ReadBool(); break;
                case "shape": shape = p.ReadShape(); break;
                default: throw p.Error($"unexpected key '{key}'");
            }
            if (!p.TryConsume(',')) { p.Expect('}'); break; }
        }
        if (descr is null || fortran is null || shape is null)
            throw new JitFormatException(".npy header lacks one of 'descr', 'fortran_order', 'shape'", offset);
        return (descr, fortran.Value, shape);
    }

    private sealed class Cursor(string text, long offset)
    {
        private int _pos;

        public JitFormatException Error(string what) =>
            new($".npy header: {what} at header character {_pos}", offset + _pos);

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        public bool TryConsume(char c)
        {
            SkipSpace();
            if (_pos < text.Length && text[_pos] == c) { _pos++; return true; }
            return false;
        }

        public void Expect(char c)
        {
            if (!TryConsume(c)) throw Error($"expected '{c}'");
        }

        public string ReadString()
        {
            SkipSpace();
            if (_pos >= text.Length || (text[_pos] != '\'' && text[_pos] != '"')) throw Error("expected a quoted string");
            char q = text[_pos++];
            int end = text.IndexOf(q, _pos);
            if (end < 0) throw Error("unterminated string");
            string s = text[_pos..end];
            _pos = end + 1;
            return s;
        }

        public bool ReadBool()
        {
            SkipSpace();
            if (text.AsSpan(_pos).StartsWith("True")) { _pos += 4; return true; }
            if (text.AsSpan(_pos).StartsWith("False")) { _pos += 5; return false; }
            throw Error("expected True or False");
        }

        public long[] ReadShape()
        {
            Expect('(');
            var dims = new List<long>();
            while (!TryConsume(')'))
            {
                SkipSpace();
                int start = _pos;
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) _pos++;
                if (start == _pos || _pos - start > 18) throw Error("expected a dimension size");
                dims.Add(long.Parse(text.AsSpan(start, _pos - start), CultureInfo.InvariantCulture));
                if (dims.Count > 64) throw Error("more than 64 dimensions");
                if (!TryConsume(',')) { Expect(')'); break; }
            }
            return dims.ToArray();
        }
    }
}
