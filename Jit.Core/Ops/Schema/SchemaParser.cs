using System.Globalization;
using System.Text;
using Jit.Errors;
using Jit.Ir;
using Jit.Runtime;

namespace Jit.Ops;

/// <summary>
/// Recursive-descent reader for PyTorch's schema syntax (<c>torch/csrc/jit/frontend/function_schema_parser.cpp</c>).
/// Errors are <see cref="JitParseException"/>s with the 1-based column.
/// </summary>
internal sealed class SchemaParser(string text)
{
    private readonly string _s = text;
    private int _p;

    public FunctionSchema ParseSchema()
    {
        SkipWs();
        var ns = Identifier("operator namespace");
        Expect("::");
        var name = ns + "::" + Identifier("operator name");
        var overload = "";
        if (TryEat(".")) overload = Identifier("overload name");
        Expect("(");
        var args = new List<Argument>();
        bool kwargOnly = false, vararg = false;
        SkipWs();
        if (!TryEat(")"))
        {
            while (true)
            {
                SkipWs();
                if (vararg) throw Error("'...' must be the last argument");
                if (TryEat("...")) vararg = true;
                else if (Peek() == '*' && !PeekAt(1, '*'))
                {
                    _p++;
                    if (kwargOnly) throw Error("'*' given twice");
                    kwargOnly = true;
                }
                else args.Add(ParseArgument(kwargOnly, isReturn: false));
                SkipWs();
                if (TryEat(")")) break;
                Expect(",");
            }
        }
        Expect("->");
        var (returns, varret) = ParseReturns();
        SkipWs();
        if (_p != _s.Length) throw Error($"unexpected '{_s[_p]}' after the returns");
        return new FunctionSchema(name, overload, args, returns, vararg, varret);
    }

    private (List<Argument>, bool) ParseReturns()
    {
        SkipWs();
        var rets = new List<Argument>();
        if (TryEat("...")) return (rets, true);
        if (Peek() != '(')
        {
            rets.Add(ParseArgument(false, isReturn: true));
            return (rets, false);
        }
        _p++;
        SkipWs();
        bool varret = false;
        if (TryEat(")")) return (rets, false);
        while (true)
        {
            SkipWs();
            if (varret) throw Error("'...' must be the last return");
            if (TryEat("...")) varret = true;
            else rets.Add(ParseArgument(false, isReturn: true));
            SkipWs();
            if (TryEat(")")) return (rets, varret);
            Expect(",");
        }
    }

    private Argument ParseArgument(bool kwargOnly, bool isReturn)
    {
        SkipWs();
        var (type, n, alias, elemAlias) = ParseType();
        SkipWs();
        string name = "";
        if (IsIdentStart(Peek())) name = Identifier("argument name");
        else if (!isReturn) throw Error("expected an argument name");
        SkipWs();
        IValue? def = null;
        if (!isReturn && TryEat("="))
        {
            SkipWs();
            int at = _p;
            def = ConvertDefault(ParseLiteral(), type, n, at);
        }
        return new Argument(name, type, n, def, alias, elemAlias, kwargOnly);
    }

    /// <summary>A type with its alias annotations: <c>Tensor(a!)[]</c>, <c>Tensor?[]</c>, <c>t[](a)</c>, <c>int[1]?</c>.</summary>
    private (JitType Type, int? N, AliasInfo? Alias, AliasInfo? ElementAlias) ParseType()
    {
        var t = ParseBaseType();
        var alias = ParseAliasOpt();
        AliasInfo? elemAlias = null;
        int? n = null;
        while (true)
        {
            if (TryEat("?")) t = new OptionalType(t);
            else if (Peek() == '[')
            {
                _p++;
                SkipWs();
                n = IsDigit(Peek()) ? (int)ParseInt() : null;
                Expect("]");
                t = new ListType(t);
                if (alias is not null) elemAlias = alias;
                alias = ParseAliasOpt();
            }
            else break;
        }
        return (t, n, alias, elemAlias);
    }

    private JitType ParseBaseType()
    {
        SkipWs();
        if (TryEat("("))
        {
            var elems = new List<JitType>();
            SkipWs();
            if (!TryEat(")"))
            {
                while (true)
                {
                    elems.Add(ParseType().Type);
                    SkipWs();
                    if (TryEat(")")) break;
                    Expect(",");
                    SkipWs();
                }
            }
            return new TupleType(elems);
        }
        int start = _p;
        var name = Identifier("type name", allowDots: true);
        switch (name)
        {
            case "Tensor": return TensorType.Unknown;
            case "int": return IntType.Instance;
            case "float": return FloatType.Instance;
            case "bool": return BoolType.Instance;
            case "str": return StringType.Instance;
            // Dimname prints as str in PyTorch 1.13 schemas: a named dim is a string at run time.
            case "Dimname": return StringType.Instance;
            case "Scalar": return NumberType.Instance;
            case "ScalarType": return ScalarTypeType.Instance;
            case "Layout": return LayoutType.Instance;
            case "MemoryFormat": return MemoryFormatType.Instance;
            case "Device": return DeviceObjType.Instance;
            case "Generator": return GeneratorType.Instance;
            case "SymInt": return SymIntType.Instance;
            case "complex": return ComplexType.Instance;
            case "Any": return AnyType.Instance;
            case "NoneType": return NoneType.Instance;
            case "Storage": return StorageType.Instance;
        }
        if (Peek() == '(' && name is "Dict" or "Future" or "RRef" or "Await" or "Union")
        {
            _p++;
            var parts = new List<JitType>();
            while (true)
            {
                parts.Add(ParseType().Type);
                SkipWs();
                if (TryEat(")")) break;
                Expect(",");
                SkipWs();
            }
            if (name == "Dict")
            {
                if (parts.Count != 2) throw Error("Dict takes a key type and a value type", start);
                return new DictType(parts[0], parts[1]);
            }
            if (name == "Union") return new UnionType(parts);
            return new OpaqueType(name + "(" + string.Join(", ", parts) + ")");
        }
        // As PyTorch: an unknown lower-case name is a type variable; other names are classes and
        // special types (AnyEnumType, Capsule, __torch__...) we keep by name.
        return char.IsLower(name[0]) && !name.Contains('.') ? new TypeVariableType(name) : new OpaqueType(name);
    }

    private AliasInfo? ParseAliasOpt()
    {
        if (Peek() != '(') return null;
        int save = _p;
        _p++;
        SkipWs();
        // A '(' not followed by an alias set name is not an annotation (it cannot be, after a type).
        if (!(IsIdentStart(Peek()) || Peek() == '*')) { _p = save; return null; }
        var before = ParseAliasSets();
        bool write = TryEat("!");
        SkipWs();
        var after = before;
        if (TryEat("->"))
        {
            SkipWs();
            after = ParseAliasSets();
        }
        SkipWs();
        Expect(")");
        return new AliasInfo(before, after, write);
    }

    private List<string> ParseAliasSets()
    {
        var sets = new List<string>();
        do
        {
            SkipWs();
            sets.Add(TryEat("*") ? "*" : Identifier("alias set"));
            SkipWs();
        } while (TryEat("|"));
        return sets;
    }

    // ---- default values ----

    private IValue ParseLiteral()
    {
        SkipWs();
        char c = Peek();
        if (c == '[')
        {
            _p++;
            var items = new List<IValue>();
            SkipWs();
            if (!TryEat("]"))
            {
                while (true)
                {
                    items.Add(ParseLiteral());
                    SkipWs();
                    if (TryEat("]")) break;
                    Expect(",");
                }
            }
            var elem = items.Count > 0 && items.All(i => i.IsDouble || i.IsInt) && items.Any(i => i.IsDouble)
                ? FloatType.Instance : ElementTypeOf(items);
            return IValue.FromList(new IValueList(elem, items));
        }
        if (c is '"' or '\'') return IValue.FromString(ParseString());
        if (IsDigit(c) || c == '-' || c == '.') return ParseNumber();
        int start = _p;
        var word = Identifier("default value");
        return word switch
        {
            "None" => IValue.None,
            "True" => IValue.FromBool(true),
            "False" => IValue.FromBool(false),
            "inf" => IValue.FromDouble(double.PositiveInfinity),
            "nan" => IValue.FromDouble(double.NaN),
            // Named constants the PyTorch schema parser also knows, stored as their int codes.
            "contiguous_format" => IValue.FromInt(0),
            "preserve_format" => IValue.FromInt(1),
            "channels_last" => IValue.FromInt(2),
            "channels_last_3d" => IValue.FromInt(3),
            "strided" => IValue.FromInt(0),
            "Mean" => IValue.FromInt(1),
            _ => throw Error($"unknown default value '{word}'", start),
        };
    }

    private static JitType ElementTypeOf(List<IValue> items) =>
        items.Count == 0 ? IntType.Instance : items[0].Tag switch
        {
            IValueTag.Bool => BoolType.Instance,
            IValueTag.String => StringType.Instance,
            IValueTag.Double => FloatType.Instance,
            _ => IntType.Instance,
        };

    private IValue ParseNumber()
    {
        int start = _p;
        if (Peek() == '-') _p++;
        if (_s.AsSpan(_p).StartsWith("inf")) { _p += 3; return IValue.FromDouble(double.NegativeInfinity); }
        bool isFloat = false;
        while (_p < _s.Length)
        {
            char c = _s[_p];
            if (IsDigit(c)) _p++;
            else if (c == '.') { isFloat = true; _p++; }
            else if ((c is 'e' or 'E') && _p > start)
            {
                isFloat = true;
                _p++;
                if (Peek() is '-' or '+') _p++;
            }
            else break;
        }
        var lit = _s[start.._p];
        if (isFloat)
        {
            // C-style "1." is a valid float; .NET wants a digit after the point.
            var norm = lit.EndsWith('.') ? lit + "0" : lit;
            if (double.TryParse(norm, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return IValue.FromDouble(d);
        }
        else if (long.TryParse(lit, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return IValue.FromInt(l);
        throw Error($"bad number '{lit}'", start);
    }

    private string ParseString()
    {
        char quote = _s[_p++];
        var sb = new StringBuilder();
        while (true)
        {
            if (_p >= _s.Length) throw Error("unterminated string");
            char c = _s[_p++];
            if (c == quote) return sb.ToString();
            if (c != '\\') { sb.Append(c); continue; }
            if (_p >= _s.Length) throw Error("unterminated string");
            char e = _s[_p++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case '0': sb.Append('\0'); break;
                case 'x':
                    if (_p + 2 > _s.Length || !int.TryParse(_s.AsSpan(_p, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var h))
                        throw Error("bad \\x escape");
                    sb.Append((char)h);
                    _p += 2;
                    break;
                default: sb.Append(e); break;
            }
        }
    }

    /// <summary>Gives a default the argument's type: ints for a float argument become floats, and a single int for <c>int[N]</c> becomes N copies.</summary>
    private IValue ConvertDefault(IValue v, JitType type, int? n, int at)
    {
        if (v.IsNone)
        {
            if (type is OptionalType or NoneType or AnyType) return v;
            throw Error($"None is not a valid default for a {type} argument", at);
        }
        var t = type is OptionalType o ? o.Element : type;
        switch (t)
        {
            case FloatType when v.IsInt: return IValue.FromDouble(v.AsInt);
            case FloatType when v.IsDouble: return v;
            case IntType or SymIntType or ScalarTypeType or LayoutType or MemoryFormatType when v.IsInt: return v;
            case NumberType when v.IsScalar: return v;
            case BoolType when v.IsBool: return v;
            case StringType when v.IsString: return v;
            case DeviceObjType when v.IsString: return IValue.FromDevice(Device.Parse(v.AsString));
            case ListType l when v.IsList:
                return IValue.FromList(new IValueList(l.Element,
                    v.AsList.Items.Select(i => ConvertDefault(i, l.Element, null, at)).ToList()));
            case ListType l when !v.IsList && n is { } count:
                var one = ConvertDefault(v, l.Element, null, at);
                return IValue.FromList(new IValueList(l.Element, Enumerable.Repeat(one, count).ToList()));
            case AnyType or TypeVariableType:
                return v;
        }
        throw Error($"default value {SchemaFormat.Value(v)} does not fit type {type}", at);
    }

    // ---- characters ----

    private char Peek() => _p < _s.Length ? _s[_p] : '\0';
    private bool PeekAt(int k, char c) => _p + k < _s.Length && _s[_p + k] == c;
    private static bool IsDigit(char c) => c is >= '0' and <= '9';
    private static bool IsIdentStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private long ParseInt()
    {
        int start = _p;
        while (IsDigit(Peek())) _p++;
        return long.Parse(_s.AsSpan(start, _p - start), CultureInfo.InvariantCulture);
    }

    private string Identifier(string what, bool allowDots = false)
    {
        SkipWs();
        int start = _p;
        if (!IsIdentStart(Peek())) throw Error($"expected {what}");
        while (_p < _s.Length && (char.IsAsciiLetterOrDigit(_s[_p]) || _s[_p] == '_' || (allowDots && _s[_p] == '.' && _p + 1 < _s.Length && IsIdentStart(_s[_p + 1]))))
            _p++;
        return _s[start.._p];
    }

    private void SkipWs()
    {
        while (_p < _s.Length && char.IsWhiteSpace(_s[_p])) _p++;
    }

    private bool TryEat(string tok)
    {
        if (!_s.AsSpan(_p).StartsWith(tok, StringComparison.Ordinal)) return false;
        _p += tok.Length;
        return true;
    }

    private void Expect(string tok)
    {
        SkipWs();
        if (!TryEat(tok)) throw Error($"expected '{tok}'");
    }

    private JitParseException Error(string message, int? at = null)
    {
        int col = (at ?? _p) + 1;
        var found = (at ?? _p) < _s.Length ? $" (found '{_s[at ?? _p]}')" : " (found end of text)";
        return new JitParseException(message + found + " in schema: " + _s, 1, col, "<schema>");
    }
}
