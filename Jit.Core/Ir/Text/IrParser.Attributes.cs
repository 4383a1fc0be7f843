using System.Globalization;
using System.Text.RegularExpressions;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Ir.Text;

/// <summary>
/// Attribute lists: <c>[value=1, name="weight", types=[Float(2)]]</c>. Values are read into a
/// small literal tree, then turned into the attribute kind PyTorch would have used; whatever the
/// text shows only as a summary (<c>&lt;Tensor&gt;</c>, rounded tensor printouts) is kept verbatim
/// as a <see cref="PrintedValue"/>.
/// </summary>
public sealed partial class IrParser
{
    // ATen's tensor printout ends with `[ CPUFloatType{2,3} ]` and holds no other brackets.
    private static readonly Regex PrintedTensor = new(@"\G[^\[\]\n]*?\[ [A-Za-z0-9]+Type\{[0-9,]*\} \]", RegexOptions.CultureInvariant);

    private abstract record Literal;
    private sealed record NumberLiteral(string Text, bool IsFloat) : Literal;
    private sealed record StringLiteral(string Value) : Literal;
    private sealed record WordLiteral(string Word) : Literal;
    private sealed record ListLiteral(List<Literal> Items) : Literal;
    private sealed record TupleLiteral(List<Literal> Items) : Literal;
    private sealed record DictLiteral(List<(Literal Key, Literal Value)> Entries) : Literal;
    private sealed record ScalarTensorLiteral(NumberLiteral Number) : Literal;
    private sealed record TypeLiteral(JitType Type) : Literal;
    private sealed record PrintedLiteral(string Text, AttributeKind Kind) : Literal;

    private void ParseAttributes(Node node, IReadOnlyList<JitType> outputTypes)
    {
        if (_lexer.TryConsume("]")) return;
        while (true)
        {
            _lexer.SkipSpaces();
            int position = _lexer.Position;
            string name = _lexer.ReadValueName();
            if (node.HasAttribute(name)) throw _lexer.ErrorAt(position, $"attribute '{name}' is given twice");
            _lexer.Expect("=", $"after attribute name '{name}'");
            int valueStart = _lexer.Position;
            var literal = ParseLiteral();
            string text = _lexer.Text[valueStart.._lexer.Position];
            JitType? constantType = node.Kind == "prim::Constant" && name == "value" && outputTypes.Count == 1 ? outputTypes[0] : null;
            node.SetAttribute(name, ToAttribute(literal, constantType, text));
            if (_lexer.TryConsume("]")) return;
            _lexer.Expect(",", "between attributes");
        }
    }

    private Literal ParseLiteral()
    {
        using var nest = _lexer.Nest();
        // No SkipSpaces first: a tensor printout starts with the space of its first column.
        if (PrintedTensor.Match(_lexer.Text, _lexer.Position) is { Success: true } tensor && !_lexer.LookingAt("["))
        {
            _lexer.Position += tensor.Length;
            return new PrintedLiteral(tensor.Value, AttributeKind.Tensor);
        }
        foreach (var (summary, kind) in Summaries)
        {
            if (_lexer.TryConsume(summary)) return new PrintedLiteral(summary, kind);
        }
        _lexer.SkipSpaces();
        char c = _lexer.Current;
        if (c == '"') return new StringLiteral(_lexer.ReadQuotedString());
        if (c == '[')
        {
            _lexer.Position++;
            var items = new List<Literal>();
            if (_lexer.TryConsume("]")) return new ListLiteral(items);
            do items.Add(ParseLiteral()); while (_lexer.TryConsume(","));
            _lexer.Expect("]", "to close a list");
            return new ListLiteral(items);
        }
        if (c == '(') return ParseTupleLiteral();
        if (c == '{') return ParseBraced();
        if (_lexer.TryReadNumber() is { } number) return new NumberLiteral(number.Text, number.IsFloat);
        int start = _lexer.Position;
        if (_lexer.TryReadQualifiedName() is { } word && word is "None" or "True" or "False")
            return new WordLiteral(word);
        _lexer.Position = start;
        if (char.IsAsciiLetter(c) || c == '_') return new TypeLiteral(ParseType());
        throw _lexer.Error($"expected an attribute value but found {_lexer.Describe()}");
    }

    private static readonly (string Text, AttributeKind Kind)[] Summaries =
    [
        ("<Tensor>", AttributeKind.Tensor),
        ("[<Tensors>]", AttributeKind.Tensors),
        ("<Graph>", AttributeKind.Graph),
        ("[<Graphs>]", AttributeKind.Graphs),
    ];

    private Literal ParseTupleLiteral()
    {
        _lexer.Position++;
        var items = new List<Literal>();
        if (_lexer.TryConsume(")")) return new TupleLiteral(items);
        while (true)
        {
            items.Add(ParseLiteral());
            if (_lexer.TryConsume(")")) return new TupleLiteral(items);
            _lexer.Expect(",", "between tuple items");
            if (_lexer.TryConsume(")")) return new TupleLiteral(items);
        }
    }

    /// <summary><c>{2.5}</c> (a one-element tensor) or <c>{"a": 1}</c> (a dict).</summary>
    private Literal ParseBraced()
    {
        _lexer.Position++;
        int start = _lexer.Position;
        if (_lexer.TryReadNumber() is { } number && _lexer.TryConsume("}"))
            return new ScalarTensorLiteral(new NumberLiteral(number.Text, number.IsFloat));
        _lexer.Position = start;
        var entries = new List<(Literal, Literal)>();
        if (_lexer.TryConsume("}")) return new DictLiteral(entries);
        do
        {
            var key = ParseLiteral();
            _lexer.Expect(":", "between a dict key and its value");
            entries.Add((key, ParseLiteral()));
        } while (_lexer.TryConsume(","));
        _lexer.Expect("}", "to close a dict");
        return new DictLiteral(entries);
    }

    /// <summary>
    /// The attribute PyTorch would hold. A <c>prim::Constant</c>'s value is read against its output
    /// type (<paramref name="constantType"/>); anything that has no exact in-memory form is kept as
    /// its text.
    /// </summary>
    private static Attribute ToAttribute(Literal literal, JitType? constantType, string text)
    {
        switch (literal)
        {
            case PrintedLiteral p:
                return new Attribute(p.Kind, new PrintedValue(p.Text));
            case NumberLiteral { IsFloat: false } n when constantType is not FloatType:
                return long.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)
                    ? Attribute.Of(l)
                    : new Attribute(AttributeKind.Int, new PrintedValue(text));
            case NumberLiteral n:
                return Attribute.Of(IrLexer.ParseDouble(n.Text));
            case StringLiteral s:
                return Attribute.Of(s.Value);
            case ScalarTensorLiteral t:
                return Attribute.Of(ScalarTensor(t.Number, constantType as TensorType));
            case TypeLiteral t:
                return Attribute.Of(t.Type);
            case ListLiteral list when constantType is null && list.Items.Count > 0:
                if (list.Items.All(i => i is NumberLiteral { IsFloat: false }) && list.Items.Cast<NumberLiteral>().All(n => long.TryParse(n.Text, CultureInfo.InvariantCulture, out _)))
                    return Attribute.Of(list.Items.Cast<NumberLiteral>().Select(n => long.Parse(n.Text, CultureInfo.InvariantCulture)).ToArray());
                if (list.Items.All(i => i is NumberLiteral { IsFloat: true }))
                    return Attribute.Of(list.Items.Cast<NumberLiteral>().Select(n => IrLexer.ParseDouble(n.Text)).ToArray());
                if (list.Items.All(i => i is StringLiteral))
                    return Attribute.Of(list.Items.Cast<StringLiteral>().Select(s => s.Value).ToArray());
                if (list.Items.All(i => i is TypeLiteral))
                    return new Attribute(AttributeKind.Types, list.Items.Cast<TypeLiteral>().Select(t => t.Type).ToArray());
                break;
        }
        return ToIValue(literal, constantType) is { } value
            ? Attribute.Of(value)
            : new Attribute(AttributeKind.IValue, new PrintedValue(text));
    }

    /// <summary>
    /// An IValue that prints back as the literal did: the literal's own kinds decide the element
    /// values (so <c>[0, 1]</c> stays ints even for a <c>bool[]</c> output), the declared type only
    /// supplies container element types. Null when the literal has no IValue form.
    /// </summary>
    private static IValue? ToIValue(Literal literal, JitType? type)
    {
        switch (literal)
        {
            case WordLiteral { Word: "None" }: return IValue.None;
            case WordLiteral w: return IValue.FromBool(w.Word == "True");
            case NumberLiteral { IsFloat: false } n:
                return long.TryParse(n.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l) ? IValue.FromInt(l) : (IValue?)null;
            case NumberLiteral n: return IValue.FromDouble(IrLexer.ParseDouble(n.Text));
            case StringLiteral s: return IValue.FromString(s.Value);
            case ScalarTensorLiteral t: return IValue.FromTensor(ScalarTensor(t.Number, type as TensorType));
            case ListLiteral list:
            {
                if (type is OptionalType optional) type = optional.Element;
                var elementType = (type as ListType)?.Element ?? AnyType.Instance;
                var items = new List<IValue>();
                foreach (var item in list.Items)
                {
                    if (ToIValue(item, elementType) is not { } v) return null;
                    items.Add(v);
                }
                return IValue.FromList(new IValueList(elementType, items));
            }
            case TupleLiteral tuple:
            {
                var elementTypes = (type as TupleType)?.Elements;
                var items = new IValue[tuple.Items.Count];
                for (int i = 0; i < items.Length; i++)
                {
                    var elementType = elementTypes is not null && i < elementTypes.Count ? elementTypes[i] : null;
                    if (ToIValue(tuple.Items[i], elementType) is not { } v) return null;
                    items[i] = v;
                }
                return IValue.FromTuple(items);
            }
            case DictLiteral dict:
            {
                var dictType = type as DictType;
                var result = new IValueDict(dictType?.Key ?? AnyType.Instance, dictType?.Value ?? AnyType.Instance);
                foreach (var (k, v) in dict.Entries)
                {
                    if (ToIValue(k, dictType?.Key) is not { } key || ToIValue(v, dictType?.Value) is not { } value) return null;
                    result.Entries.Add(new(key, value));
                }
                return IValue.FromDict(result);
            }
            default: return null;
        }
    }

    /// <summary><c>{2.5}</c>: a one-element tensor whose dtype and shape come from the declared type when it has them.</summary>
    private static Tensor ScalarTensor(NumberLiteral number, TensorType? declared)
    {
        var dtype = declared?.DType ?? (number.IsFloat ? DType.Float32 : DType.Int64);
        long[] sizes = declared?.ConcreteSizes is { } s && s.Aggregate(1L, (a, b) => a * b) == 1 ? s : [];
        var t = Tensor.Empty(dtype, sizes);
        if (dtype.IsFloatingPoint() || !long.TryParse(number.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
            t.SetDouble(0, IrLexer.ParseDouble(number.Text));
        else
            t.SetLong(0, l);
        return t;
    }
}
