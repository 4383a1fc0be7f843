using Jit.Errors;
using Jit.Ir;
using Jit.Tensors;

namespace Jit.Frontend.Bytecode;

/// <summary>
/// Parses the Python-style type strings of mobile bytecode (<c>List[int]</c>, <c>Optional[Tensor]</c>,
/// <c>Tuple[int, Tensor]</c>, <c>Dict[str,Tensor]</c>, <c>__torch__.M</c>).
/// </summary>
public sealed class TypeAnnotationParser(Func<string, JitType?> resolveClass)
{
    private string _text = "";
    private int _pos;

    public JitType Parse(string text)
    {
        _text = text;
        _pos = 0;
        var t = ParseType();
        SkipSpace();
        if (_pos != _text.Length) throw Error("unexpected text after the type");
        return t;
    }

    private JitException Error(string what) => new JitFormatException($"type annotation '{_text}': {what} at character {_pos}");

    private void SkipSpace()
    {
        while (_pos < _text.Length && _text[_pos] == ' ') _pos++;
    }

    private string Name()
    {
        SkipSpace();
        int start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '.')) _pos++;
        if (start == _pos) throw Error("expected a type name");
        return _text[start.._pos];
    }

    private bool TryConsume(char c)
    {
        SkipSpace();
        if (_pos < _text.Length && _text[_pos] == c) { _pos++; return true; }
        return false;
    }

    private List<JitType> Parameters()
    {
        var list = new List<JitType>();
        if (!TryConsume('[')) throw Error("expected '['");
        if (TryConsume(']')) return list;
        do list.Add(ParseType()); while (TryConsume(','));
        if (!TryConsume(']')) throw Error("expected ']'");
        return list;
    }

    private JitType ParseType()
    {
        if (_pos > 2000) throw Error("type is too long");
        string name = Name();
        switch (name)
        {
            case "Tensor": return TensorType.Unknown;
            case "int" or "SymInt": return IntType.Instance;
            case "float": return FloatType.Instance;
            case "bool": return BoolType.Instance;
            case "str": return StringType.Instance;
            case "NoneType" or "None": return NoneType.Instance;
            case "Device": return DeviceObjType.Instance;
            case "number" or "Scalar": return NumberType.Instance;
            case "Any": return AnyType.Instance;
            case "Generator": return GeneratorType.Instance;
            case "Layout" or "ScalarType" or "MemoryFormat": return IntType.Instance;
            case "List":
            {
                var p = Parameters();
                if (p.Count != 1) throw Error("List takes one type parameter");
                return new ListType(p[0]);
            }
            case "Optional":
            {
                var p = Parameters();
                if (p.Count != 1) throw Error("Optional takes one type parameter");
                return new OptionalType(p[0]);
            }
            case "Tuple": return new TupleType(Parameters());
            case "Dict":
            {
                var p = Parameters();
                if (p.Count != 2) throw Error("Dict takes two type parameters");
                return new DictType(p[0], p[1]);
            }
            case "Union": return new UnionType(Parameters());
            default:
                if (DTypeInfo.TryParseIrName(name, out _)) return TensorType.Unknown;
                return resolveClass(name) ?? throw Error($"unknown type '{name}'");
        }
    }
}
