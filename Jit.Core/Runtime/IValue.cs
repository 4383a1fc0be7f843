using System.Globalization;
using Jit.Errors;
using Jit.Ir;
using Jit.Tensors;

namespace Jit.Runtime;

/// <summary>What an <see cref="IValue"/> holds.</summary>
public enum IValueTag : byte
{
    None,
    Tensor,
    Int,
    Double,
    Bool,
    String,
    Device,
    List,
    Tuple,
    Dict,
    Object,
}

/// <summary>
/// A runtime value, as PyTorch's <c>c10::IValue</c>: scalars are stored inline (no boxing),
/// references for tensors, strings, lists, tuples, dicts and objects.
/// </summary>
public readonly struct IValue : IEquatable<IValue>
{
    private readonly long _bits;
    private readonly object? _ref;
    public IValueTag Tag { get; }

    private IValue(IValueTag tag, long bits, object? r)
    {
        Tag = tag;
        _bits = bits;
        _ref = r;
    }

    public static readonly IValue None = default;

    public static IValue FromTensor(Tensor t) => new(IValueTag.Tensor, 0, t ?? throw new ArgumentNullException(nameof(t)));
    public static IValue FromInt(long v) => new(IValueTag.Int, v, null);
    public static IValue FromDouble(double v) => new(IValueTag.Double, BitConverter.DoubleToInt64Bits(v), null);
    public static IValue FromBool(bool v) => new(IValueTag.Bool, v ? 1 : 0, null);
    public static IValue FromString(string s) => new(IValueTag.String, 0, s ?? throw new ArgumentNullException(nameof(s)));
    public static IValue FromDevice(Device d) => new(IValueTag.Device, ((long)d.Kind << 32) | (uint)d.Index, null);
    public static IValue FromList(IValueList l) => new(IValueTag.List, 0, l);
    public static IValue FromTuple(IValueTuple t) => new(IValueTag.Tuple, 0, t);
    public static IValue FromTuple(params IValue[] items) => new(IValueTag.Tuple, 0, new IValueTuple(items));
    public static IValue FromDict(IValueDict d) => new(IValueTag.Dict, 0, d);
    public static IValue FromObject(ScriptObject o) => new(IValueTag.Object, 0, o);

    public static implicit operator IValue(Tensor t) => FromTensor(t);
    public static implicit operator IValue(long v) => FromInt(v);
    public static implicit operator IValue(double v) => FromDouble(v);
    public static implicit operator IValue(bool v) => FromBool(v);
    public static implicit operator IValue(string s) => FromString(s);

    public bool IsNone => Tag == IValueTag.None;
    public bool IsTensor => Tag == IValueTag.Tensor;
    public bool IsInt => Tag == IValueTag.Int;
    public bool IsDouble => Tag == IValueTag.Double;
    public bool IsBool => Tag == IValueTag.Bool;
    public bool IsString => Tag == IValueTag.String;
    public bool IsDevice => Tag == IValueTag.Device;
    public bool IsList => Tag == IValueTag.List;
    public bool IsTuple => Tag == IValueTag.Tuple;
    public bool IsDict => Tag == IValueTag.Dict;
    public bool IsObject => Tag == IValueTag.Object;
    /// <summary>An int, float or bool: what a schema's <c>Scalar</c> (number) accepts.</summary>
    public bool IsScalar => Tag is IValueTag.Int or IValueTag.Double or IValueTag.Bool;

    public Tensor AsTensor => Tag == IValueTag.Tensor ? (Tensor)_ref! : throw Mismatch("Tensor");
    public long AsInt => Tag switch
    {
        IValueTag.Int => _bits,
        IValueTag.Bool => _bits,
        _ => throw Mismatch("int"),
    };
    /// <summary>The value as a float; ints and bools convert as Python does.</summary>
    public double AsDouble => Tag switch
    {
        IValueTag.Double => BitConverter.Int64BitsToDouble(_bits),
        IValueTag.Int or IValueTag.Bool => _bits,
        _ => throw Mismatch("float"),
    };
    public bool AsBool => Tag == IValueTag.Bool ? _bits != 0 : throw Mismatch("bool");
    public string AsString => Tag == IValueTag.String ? (string)_ref! : throw Mismatch("str");
    public Device AsDevice => Tag == IValueTag.Device ? new Device((DeviceKind)(_bits >> 32), (int)(uint)_bits) : throw Mismatch("Device");
    public IValueList AsList => Tag == IValueTag.List ? (IValueList)_ref! : throw Mismatch("List");
    public IValueTuple AsTuple => Tag == IValueTag.Tuple ? (IValueTuple)_ref! : throw Mismatch("Tuple");
    public IValueDict AsDict => Tag == IValueTag.Dict ? (IValueDict)_ref! : throw Mismatch("Dict");
    public ScriptObject AsObject => Tag == IValueTag.Object ? (ScriptObject)_ref! : throw Mismatch("Object");

    /// <summary>The tensor, or null for None (an optional tensor argument).</summary>
    public Tensor? AsTensorOrNull => IsNone ? null : AsTensor;

    private JitTypeException Mismatch(string expected) =>
        new($"expected a value of type {expected} but got {TagName}");

    public string TagName => Tag switch
    {
        IValueTag.None => "None",
        IValueTag.Tensor => "Tensor",
        IValueTag.Int => "int",
        IValueTag.Double => "float",
        IValueTag.Bool => "bool",
        IValueTag.String => "str",
        IValueTag.Device => "Device",
        IValueTag.List => "List",
        IValueTag.Tuple => "Tuple",
        IValueTag.Dict => "Dict",
        IValueTag.Object => "Object",
        _ => Tag.ToString(),
    };

    /// <summary>Identity for references, value equality for scalars (PyTorch's <c>IValue::is</c> for the former).</summary>
    public bool Equals(IValue other) => Tag == other.Tag && _bits == other._bits && Equals(_ref, other._ref);
    public override bool Equals(object? obj) => obj is IValue v && Equals(v);
    public override int GetHashCode() => HashCode.Combine(Tag, _bits, _ref);

    public override string ToString() => Tag switch
    {
        IValueTag.None => "None",
        IValueTag.Int => _bits.ToString(CultureInfo.InvariantCulture),
        IValueTag.Double => AsDouble.ToString("R", CultureInfo.InvariantCulture),
        IValueTag.Bool => _bits != 0 ? "True" : "False",
        IValueTag.String => AsString,
        IValueTag.Device => AsDevice.ToString(),
        _ => _ref!.ToString() ?? TagName,
    };
}

/// <summary>A mutable list value (TorchScript lists are reference types).</summary>
public sealed class IValueList(JitType elementType, List<IValue> items)
{
    public JitType ElementType { get; } = elementType;
    public List<IValue> Items { get; } = items;
    public int Count => Items.Count;
    public IValue this[int i] { get => Items[i]; set => Items[i] = value; }
    public override string ToString() => "[" + string.Join(", ", Items) + "]";
}

/// <summary>An immutable tuple value.</summary>
public sealed class IValueTuple(IValue[] items)
{
    public IValue[] Items { get; } = items;
    public int Count => Items.Length;
    public IValue this[int i] => Items[i];
    public override string ToString() => "(" + string.Join(", ", Items) + (Items.Length == 1 ? ",)" : ")");
}

/// <summary>A mutable dict value; keys are str, int, float, bool or Tensor (by identity) as in TorchScript.</summary>
public sealed class IValueDict(JitType keyType, JitType valueType)
{
    public JitType KeyType { get; } = keyType;
    public JitType ValueType { get; } = valueType;
    /// <summary>Insertion-ordered entries, as Python dicts are.</summary>
    public List<KeyValuePair<IValue, IValue>> Entries { get; } = [];

    public bool TryGet(IValue key, out IValue value)
    {
        foreach (var kv in Entries)
        {
            if (kv.Key.Equals(key)) { value = kv.Value; return true; }
        }
        value = default;
        return false;
    }

    public void Set(IValue key, IValue value)
    {
        for (int i = 0; i < Entries.Count; i++)
        {
            if (Entries[i].Key.Equals(key)) { Entries[i] = new(key, value); return; }
        }
        Entries.Add(new(key, value));
    }
}

/// <summary>An instance of a TorchScript class (a module, or a user class): attribute slots by index.</summary>
public sealed class ScriptObject(ClassType type, IValue[] slots)
{
    public ClassType Type { get; } = type;
    public IValue[] Slots { get; } = slots;

    public IValue GetAttr(string name) => Slots[SlotOf(name)];
    public void SetAttr(string name, IValue v) => Slots[SlotOf(name)] = v;

    private int SlotOf(string name)
    {
        int i = Type.AttributeIndex(name);
        if (i < 0 || i >= Slots.Length)
            throw new JitRuntimeException($"object of class {Type.Name} has no attribute '{name}'");
        return i;
    }

    public override string ToString() => $"<{Type.Name} object>";
}
