using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Ir.Text;

/// <summary>Types, in every spelling PyTorch's <c>operator&lt;&lt;(Type)</c> prints.</summary>
public sealed partial class IrParser
{
    private static readonly Dictionary<string, JitType> SimpleTypes = new(StringComparer.Ordinal)
    {
        ["int"] = IntType.Instance,
        ["float"] = FloatType.Instance,
        ["bool"] = BoolType.Instance,
        ["str"] = StringType.Instance,
        ["NoneType"] = NoneType.Instance,
        ["Device"] = DeviceObjType.Instance,
        ["Scalar"] = NumberType.Instance,
        ["Any"] = AnyType.Instance,
        ["Generator"] = GeneratorType.Instance,
        ["Layout"] = LayoutType.Instance,
        ["ScalarType"] = ScalarTypeType.Instance,
        ["MemoryFormat"] = MemoryFormatType.Instance,
        ["Storage"] = StorageType.Instance,
    };

    private JitType ParseType()
    {
        using var nest = _lexer.Nest();
        var type = ParseBaseType();
        while (true)
        {
            if (_lexer.LookingAt("[]")) { _lexer.Position += 2; type = new ListType(type); }
            else if (_lexer.Current == '?') { _lexer.Position++; type = new OptionalType(type); }
            else return type;
        }
    }

    private JitType ParseBaseType()
    {
        _lexer.SkipSpaces();
        int start = _lexer.Position;
        if (_lexer.TryConsume("("))
        {
            var elements = new List<JitType>();
            if (!_lexer.TryConsume(")"))
            {
                do elements.Add(ParseType()); while (_lexer.TryConsume(","));
                _lexer.Expect(")", "to close a tuple type");
            }
            return new TupleType(elements);
        }
        string name = _lexer.TryReadQualifiedName() ?? throw _lexer.Error($"expected a type but found {_lexer.Describe()}");
        if (SimpleTypes.TryGetValue(name, out var simple)) return simple;
        if (name == "Tensor") return ParseTensorType(null);
        if (DTypeInfo.TryParseIrName(name, out var dtype)) return ParseTensorType(dtype);
        switch (name)
        {
            case "Dict":
            {
                _lexer.Expect("(", "after Dict");
                var key = ParseType();
                _lexer.Expect(",", "between the key and value types of Dict");
                var value = ParseType();
                _lexer.Expect(")", "to close Dict(...)");
                return new DictType(key, value);
            }
            case "Union" when _lexer.Current == '(':
            {
                _lexer.Position++;
                var members = new List<JitType>();
                do members.Add(ParseType()); while (_lexer.TryConsume(","));
                _lexer.Expect(")", "to close Union(...)");
                return new UnionType(members);
            }
            case "NamedTuple" when _lexer.Current == '(':
                return ParseNamedTuple();
        }
        // Anything else with arguments (Future(int), Enum<...>, RRef(...)) is kept verbatim.
        if (_lexer.Current is '(' or '<') SkipBalanced();
        string text = _lexer.Text[start.._lexer.Position];
        if (text == name && name.Contains('.', StringComparison.Ordinal)) return new ClassType(name);
        return new OpaqueType(text);
    }

    private TupleType ParseNamedTuple()
    {
        _lexer.Expect("(", "after NamedTuple");
        var names = new List<string>();
        var elements = new List<JitType>();
        if (!_lexer.TryConsume(")"))
        {
            do
            {
                _lexer.SkipSpaces();
                names.Add(_lexer.ReadValueName());
                _lexer.Expect(":", "after a NamedTuple field name");
                elements.Add(ParseType());
            } while (_lexer.TryConsume(","));
            _lexer.Expect(")", "to close NamedTuple(...)");
        }
        return new TupleType(elements, names);
    }

    /// <summary>Skips a bracketed group starting at the cursor (<c>(...)</c> or <c>&lt;...&gt;</c>), nesting included.</summary>
    private void SkipBalanced()
    {
        int start = _lexer.Position;
        int depth = 0;
        do
        {
            if (_lexer.AtEnd || _lexer.Current == '\n') throw _lexer.ErrorAt(start, "unclosed bracket in a type");
            char c = _lexer.Current;
            if (c is '(' or '<' or '[') depth++;
            else if (c is ')' or '>' or ']') depth--;
            _lexer.Position++;
        } while (depth > 0);
    }

    /// <summary>
    /// <c>Float(2, *, SS(-3), strides=[3, 1], requires_grad=0, device=cpu)</c>. PyTorch prints a
    /// rank-0 tensor and one of unknown rank alike when only requires_grad/device are known; we read
    /// that as rank 0, which prints back the same.
    /// </summary>
    private TensorType ParseTensorType(DType? dtype)
    {
        if (_lexer.Current != '(')
            return dtype is null ? TensorType.Unknown : new TensorType { DType = dtype };
        _lexer.Position++;
        var sizes = new List<ShapeSymbol?>();
        List<long?>? strides = null;
        bool? requiresGrad = null;
        Device? device = null;
        bool first = true;
        while (!_lexer.TryConsume(")"))
        {
            if (!first) _lexer.Expect(",", "between tensor type fields");
            first = false;
            _lexer.SkipSpaces();
            if (_lexer.TryConsume("*")) sizes.Add(null);
            else if (_lexer.TryConsume("SS("))
            {
                sizes.Add(ShapeSymbol.Symbol(_lexer.ReadInteger("a shape symbol")));
                _lexer.Expect(")", "to close SS(...)");
            }
            else if (_lexer.TryConsume("strides=["))
            {
                strides = [];
                if (!_lexer.TryConsume("]"))
                {
                    do strides.Add(_lexer.ReadInteger("a stride")); while (_lexer.TryConsume(","));
                    _lexer.Expect("]", "to close the strides");
                }
            }
            else if (_lexer.TryConsume("requires_grad="))
            {
                long rg = _lexer.ReadInteger("requires_grad (0 or 1)");
                if (rg is not (0 or 1)) throw _lexer.Error("requires_grad must be 0 or 1");
                requiresGrad = rg == 1;
            }
            else if (_lexer.TryConsume("device="))
            {
                int start = _lexer.Position;
                while (!_lexer.AtEnd && _lexer.Current is not (',' or ')' or '\n')) _lexer.Position++;
                string text = _lexer.Text[start.._lexer.Position].Trim();
                if (!Device.TryParse(text, out var d, out var error)) throw _lexer.ErrorAt(start, $"bad device '{text}': {error}");
                device = d;
            }
            else
            {
                int start = _lexer.Position;
                long size = _lexer.ReadInteger("a dimension size, *, SS(n), strides=, requires_grad= or device=");
                if (size < 0) throw _lexer.ErrorAt(start, "a dimension size must not be negative (symbolic sizes are written SS(-n))");
                sizes.Add(ShapeSymbol.Static(size));
            }
        }
        var type = new TensorType
        {
            DType = dtype,
            Sizes = sizes,
            Strides = strides,
            RequiresGrad = requiresGrad,
            Device = device,
        };
        if (_lexer.LookingAt("[Undefined]"))
        {
            _lexer.Position += "[Undefined]".Length;
            type = new TensorType { DType = dtype, Sizes = sizes, Strides = strides, RequiresGrad = requiresGrad, Device = device, Undefined = true };
        }
        return type;
    }
}
