namespace Jit.Ir;

/// <summary>
/// A TorchScript type. <see cref="ToString"/> prints it exactly as PyTorch prints a value's type
/// in a graph (<c>Float(2, 3, strides=[3, 1], requires_grad=0, device=cpu)</c>, <c>int[]</c>, <c>Tensor?</c>).
/// </summary>
public abstract class JitType : IEquatable<JitType>
{
    public abstract bool Equals(JitType? other);
    public override bool Equals(object? obj) => obj is JitType t && Equals(t);
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
    public abstract override string ToString();

    /// <summary>Whether a value of this type may be used where <paramref name="other"/> is expected.</summary>
    public virtual bool IsSubtypeOf(JitType other)
    {
        if (other is AnyType || Equals(other)) return true;
        if (other is OptionalType opt) return this is NoneType || IsSubtypeOf(opt.Element);
        if (other is NumberType) return this is IntType or FloatType or BoolType;
        if (other is UnionType u) return u.Members.Any(IsSubtypeOf);
        return false;
    }
}

/// <summary>A type with no parameters, identified by its printed name.</summary>
public abstract class SimpleType(string name) : JitType
{
    public string Name { get; } = name;
    public override bool Equals(JitType? other) => other is SimpleType s && s.GetType() == GetType();
    public override string ToString() => Name;
}

public sealed class IntType() : SimpleType("int") { public static readonly IntType Instance = new(); }
public sealed class FloatType() : SimpleType("float") { public static readonly FloatType Instance = new(); }
public sealed class BoolType() : SimpleType("bool") { public static readonly BoolType Instance = new(); }
public sealed class StringType() : SimpleType("str") { public static readonly StringType Instance = new(); }
public sealed class NoneType() : SimpleType("NoneType") { public static readonly NoneType Instance = new(); }
public sealed class DeviceObjType() : SimpleType("Device") { public static readonly DeviceObjType Instance = new(); }
/// <summary>PyTorch's NumberType, spelled <c>Scalar</c>: int, float or bool.</summary>
public sealed class NumberType() : SimpleType("Scalar") { public static readonly NumberType Instance = new(); }
public sealed class AnyType() : SimpleType("Any") { public static readonly AnyType Instance = new(); }
public sealed class GeneratorType() : SimpleType("Generator") { public static readonly GeneratorType Instance = new(); }
public sealed class LayoutType() : SimpleType("Layout") { public static readonly LayoutType Instance = new(); }
public sealed class ScalarTypeType() : SimpleType("ScalarType") { public static readonly ScalarTypeType Instance = new(); }
public sealed class MemoryFormatType() : SimpleType("MemoryFormat") { public static readonly MemoryFormatType Instance = new(); }
public sealed class StorageType() : SimpleType("Storage") { public static readonly StorageType Instance = new(); }

public sealed class ListType(JitType element) : JitType
{
    public JitType Element { get; } = element;
    public override bool Equals(JitType? other) => other is ListType l && l.Element.Equals(Element);
    public override bool IsSubtypeOf(JitType other) =>
        base.IsSubtypeOf(other) || (other is ListType l && Element is TensorType && l.Element is TensorType);
    public override string ToString() => Element + "[]";
    public static readonly ListType OfInts = new(IntType.Instance);
    public static readonly ListType OfFloats = new(FloatType.Instance);
    public static readonly ListType OfBools = new(BoolType.Instance);
    public static readonly ListType OfTensors = new(TensorType.Unknown);
}

public sealed class OptionalType(JitType element) : JitType
{
    public JitType Element { get; } = element;
    public override bool Equals(JitType? other) => other is OptionalType o && o.Element.Equals(Element);
    public override bool IsSubtypeOf(JitType other) =>
        base.IsSubtypeOf(other) || (other is OptionalType o && Element.IsSubtypeOf(o.Element));
    public override string ToString() => Element + "?";
}

public sealed class TupleType(IReadOnlyList<JitType> elements, IReadOnlyList<string>? fieldNames = null, string? name = null) : JitType
{
    public IReadOnlyList<JitType> Elements { get; } = elements;
    /// <summary>Field names for a NamedTuple; null for a plain tuple.</summary>
    public IReadOnlyList<string>? FieldNames { get; } = fieldNames;
    public string? Name { get; } = name;

    public override bool Equals(JitType? other) =>
        other is TupleType t && t.Elements.Count == Elements.Count && t.Elements.Zip(Elements).All(p => p.First.Equals(p.Second));

    public override bool IsSubtypeOf(JitType other) =>
        base.IsSubtypeOf(other)
        || (other is TupleType t && t.Elements.Count == Elements.Count && Elements.Zip(t.Elements).All(p => p.First.IsSubtypeOf(p.Second)));

    public override string ToString()
    {
        var parts = Elements.Select((e, i) => FieldNames is null ? e.ToString() : $"{FieldNames[i]} : {e}");
        return (FieldNames is null ? "" : "NamedTuple") + "(" + string.Join(", ", parts) + ")";
    }
}

public sealed class DictType(JitType key, JitType value) : JitType
{
    public JitType Key { get; } = key;
    public JitType Value { get; } = value;
    public override bool Equals(JitType? other) => other is DictType d && d.Key.Equals(Key) && d.Value.Equals(Value);
    public override string ToString() => $"Dict({Key}, {Value})";
}

public sealed class UnionType(IReadOnlyList<JitType> members) : JitType
{
    public IReadOnlyList<JitType> Members { get; } = members;
    public override bool Equals(JitType? other) =>
        other is UnionType u && u.Members.Count == Members.Count && u.Members.Zip(Members).All(p => p.First.Equals(p.Second));
    public override string ToString() => "Union(" + string.Join(", ", Members) + ")";
}

/// <summary>A TorchScript class (a module or user class): qualified name and typed attributes.</summary>
public sealed class ClassType(string name) : JitType
{
    private readonly List<(string Name, JitType Type, bool IsParameter)> _attributes = [];

    /// <summary>Qualified name, such as <c>__torch__.MyModule</c>.</summary>
    public string Name { get; } = name;
    public IReadOnlyList<(string Name, JitType Type, bool IsParameter)> Attributes => _attributes;

    public int AddAttribute(string attrName, JitType type, bool isParameter = false)
    {
        _attributes.Add((attrName, type, isParameter));
        return _attributes.Count - 1;
    }

    public int AttributeIndex(string attrName)
    {
        for (int i = 0; i < _attributes.Count; i++)
            if (_attributes[i].Name == attrName) return i;
        return -1;
    }

    public JitType? AttributeType(string attrName)
    {
        int i = AttributeIndex(attrName);
        return i < 0 ? null : _attributes[i].Type;
    }

    // Class types are nominal: two are the same only if they are the same name.
    public override bool Equals(JitType? other) => other is ClassType c && c.Name == Name;
    public override string ToString() => Name;
}

/// <summary>A type named in IR text that we do not model further (<c>Future(int)</c>, <c>Enum&lt;…&gt;</c>, …); kept verbatim.</summary>
public sealed class OpaqueType(string text) : JitType
{
    public string Text { get; } = text;
    public override bool Equals(JitType? other) => other is OpaqueType o && o.Text == Text;
    public override string ToString() => Text;
}
