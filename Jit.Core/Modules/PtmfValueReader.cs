using Jit.Errors;
using Jit.Frontend.Bytecode;
using Jit.Ir;
using Jit.Runtime;
using Jit.Serialization.Ptmf;

namespace Jit.Modules;

/// <summary>
/// Turns a PTMF file's ivalue table into runtime values: tensors over the file's storage, lists,
/// tuples, dicts, and module objects with their class types. Each ivalue is converted once.
/// </summary>
internal sealed class PtmfValueReader
{
    private readonly PtmfModule _file;
    private readonly IValue?[] _values;
    private readonly Dictionary<int, ClassType> _classesByTypeIndex = [];
    private readonly Dictionary<string, ClassType> _classesByName = new(StringComparer.Ordinal);
    private readonly TypeAnnotationParser _types;

    // Converting a value recurses into its items, and a tuple's type is a tree as large as the
    // tuple with shared items counted each time; both are bounded before anything is converted
    // so that a small file cannot overflow the stack or hand out an exponentially large type.
    private const int MaxNesting = 64;
    private const long MaxTupleTypeSize = 1 << 16;

    public PtmfValueReader(PtmfModule file)
    {
        _file = file;
        _values = new IValue?[file.IValueCount];
        _types = new TypeAnnotationParser(ResolveClass);
        CheckNesting();
    }

    /// <summary>
    /// Nesting depth and tuple type size of every ivalue, in index order: PtmfModule.Load has checked
    /// that containers refer only to earlier ivalues, so one forward pass sees children first.
    /// </summary>
    private void CheckNesting()
    {
        int n = _values.Length;
        var depth = new byte[n];
        var tupleSize = new long[n];
        for (int i = 0; i < n; i++)
        {
            var pv = _file.IValue(i);
            uint[] children = pv.Kind switch
            {
                PtmfIValueKind.List or PtmfIValueKind.Tuple => pv.Items,
                PtmfIValueKind.Dict => [.. pv.DictKeys, .. pv.DictValues],
                PtmfIValueKind.Object => pv.AsObject.Attrs,
                _ => [],
            };
            int d = 0;
            long size = 1;
            foreach (uint c in children)
            {
                d = Math.Max(d, depth[c] + 1);
                size += pv.Kind == PtmfIValueKind.Tuple ? tupleSize[c] : 0;
            }
            if (d > MaxNesting)
                throw new JitFormatException($"PTMF: ivalue {i} ({pv.Kind}) nests containers more than {MaxNesting} deep", pv.ByteOffset);
            if (size > MaxTupleTypeSize)
                throw new JitFormatException($"PTMF: ivalue {i} is a tuple whose type has more than {MaxTupleTypeSize} parts (shared items counted each time)", pv.ByteOffset);
            depth[i] = (byte)d;
            tupleSize[i] = pv.Kind == PtmfIValueKind.Tuple ? size : 1;
        }
    }

    public JitType? ResolveClass(string name) => _classesByName.GetValueOrDefault(name);

    public IReadOnlyDictionary<string, ClassType> Classes => _classesByName;

    public IValue Read(uint index) => Read(checked((int)index));

    public IValue Read(int index)
    {
        if ((uint)index >= (uint)_values.Length)
            throw new JitFormatException($"ivalue index {index} is out of range (the file has {_values.Length})");
        if (_values[index] is { } v) return v;
        var pv = _file.IValue(index);
        v = Convert(pv);
        _values[index] = v;
        return v;
    }

    private IValue Convert(PtmfIValue pv)
    {
        switch (pv.Kind)
        {
            case PtmfIValueKind.None: return IValue.None;
            case PtmfIValueKind.Int: return IValue.FromInt(pv.AsInt);
            case PtmfIValueKind.Bool: return IValue.FromBool(pv.AsBool);
            case PtmfIValueKind.Double: return IValue.FromDouble(pv.AsDouble);
            case PtmfIValueKind.String: return IValue.FromString(pv.AsString);
            case PtmfIValueKind.Device: return IValue.FromDevice(ParseDevice(pv));
            case PtmfIValueKind.TensorMetadata: return IValue.FromTensor(_file.CreateTensor(pv.AsTensor));
            case PtmfIValueKind.IntList:
                return IValue.FromList(new IValueList(IntType.Instance, pv.AsIntList.Select(IValue.FromInt).ToList()));
            case PtmfIValueKind.DoubleList:
                return IValue.FromList(new IValueList(FloatType.Instance, pv.AsDoubleList.Select(IValue.FromDouble).ToList()));
            case PtmfIValueKind.BoolList:
                return IValue.FromList(new IValueList(BoolType.Instance, pv.AsBoolList.Select(IValue.FromBool).ToList()));
            case PtmfIValueKind.List:
            {
                var items = pv.Items.Select(Read).ToList();
                var type = pv.AnnotationStr is { Length: > 0 } a ? _types.Parse(a) : null;
                var elem = (type as ListType)?.Element ?? (items.Count > 0 ? BytecodeToGraph.ConstantType(items[0]) : AnyType.Instance);
                return IValue.FromList(new IValueList(elem, items));
            }
            case PtmfIValueKind.Tuple:
                return IValue.FromTuple(pv.Items.Select(Read).ToArray());
            case PtmfIValueKind.Dict:
            {
                var type = pv.AnnotationStr is { Length: > 0 } a ? _types.Parse(a) as DictType : null;
                var d = new IValueDict(type?.Key ?? AnyType.Instance, type?.Value ?? AnyType.Instance);
                var keys = pv.DictKeys;
                var values = pv.DictValues;
                // IValueDict.Set searches linearly; a file's dict may hold many keys, so index them here.
                var at = new Dictionary<IValue, int>(keys.Length);
                for (int i = 0; i < keys.Length; i++)
                {
                    var key = Read(keys[i]);
                    var entry = new KeyValuePair<IValue, IValue>(key, Read(values[i]));
                    if (at.TryGetValue(key, out int j)) d.Entries[j] = entry;
                    else
                    {
                        at[key] = d.Entries.Count;
                        d.Entries.Add(entry);
                    }
                }
                return IValue.FromDict(d);
            }
            case PtmfIValueKind.Object:
                return IValue.FromObject(ReadObject(pv));
            default:
                throw new JitFormatException($"ivalue {pv.Index} is a {pv.Kind}, which this runtime does not support", pv.ByteOffset);
        }
    }

    private static Device ParseDevice(PtmfIValue pv)
    {
        if (Device.TryParse(pv.AsDevice, out var d, out var error)) return d;
        throw new JitFormatException($"ivalue {pv.Index}: {error}", pv.ByteOffset);
    }

    private ScriptObject ReadObject(PtmfIValue pv)
    {
        var obj = pv.AsObject;
        var typeDef = _file.ObjectType(obj.TypeIndex);
        if (typeDef.Type != PtmfTypeType.ClassWithField)
            throw new JitFormatException(
                $"object of class {typeDef.TypeName} (ivalue {pv.Index}) stores its state as {typeDef.Type}; only classes with plain fields are supported",
                pv.ByteOffset);
        var attrs = obj.Attrs.Select(Read).ToArray();
        var cls = ClassFor((int)obj.TypeIndex, typeDef, attrs);
        return new ScriptObject(cls, attrs);
    }

    // A class type gets its attribute types from the first object of it that is read.
    private ClassType ClassFor(int typeIndex, PtmfObjectType typeDef, IValue[] attrs)
    {
        if (_classesByTypeIndex.TryGetValue(typeIndex, out var cls)) return cls;
        cls = new ClassType(typeDef.TypeName);
        var names = typeDef.AttrNames;
        for (int i = 0; i < names.Length; i++)
            cls.AddAttribute(names[i], i < attrs.Length ? BytecodeToGraph.ConstantType(attrs[i]) : AnyType.Instance);
        _classesByTypeIndex[typeIndex] = cls;
        _classesByName.TryAdd(cls.Name, cls);
        return cls;
    }
}
