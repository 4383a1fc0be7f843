using System.Buffers.Binary;
using Jit.Serialization.FlatBuffers;
using S = Jit.Serialization.Ptmf.PtmfSchema;

namespace Jit.Serialization.Ptmf;

/// <summary>
/// Builds a PTMF file. Values are added one at a time and referred to by the index each Add
/// returns, children before their containers (as PyTorch writes them and its loader expects);
/// <see cref="Finish"/> writes the Module table. Storage data is aligned to 16 bytes, as
/// PyTorch's <c>kFlatbufferDataAlignmentBytes</c> asks.
/// </summary>
public sealed partial class PtmfWriter
{
    private const int StorageAlignment = 16;

    private readonly FlatBufferBuilder _b = new(4096);
    private readonly List<int> _ivalues = [];
    private readonly List<int> _storages = [];
    private readonly List<int> _objectTypes = [];
    private readonly List<int> _extraFiles = [];
    private readonly List<int> _jitSources = [];

    public int IValueCount => _ivalues.Count;
    public int StorageCount => _storages.Count;
    public int ObjectTypeCount => _objectTypes.Count;

    private int AddIValue(PtmfIValueKind kind, int value)
    {
        _b.StartTable(S.IValue.SlotCount);
        _b.AddField(S.IValue.ValType, (byte)kind, (byte)0);
        _b.AddOffsetField(S.IValue.Val, value);
        _ivalues.Add(_b.EndTable());
        return _ivalues.Count - 1;
    }

    private int Struct(ReadOnlySpan<byte> bytes, int alignment) => _b.CreateStruct(bytes, alignment);

    private int StringOrZero(string? s) => s is null ? 0 : _b.CreateSharedString(s);

    public int AddNone() => AddIValue(PtmfIValueKind.None, 0);

    public int AddInt(long v)
    {
        Span<byte> s = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(s, v);
        return AddIValue(PtmfIValueKind.Int, Struct(s, 8));
    }

    public int AddBool(bool v) => AddIValue(PtmfIValueKind.Bool, Struct([v ? (byte)1 : (byte)0], 1));

    public int AddDouble(double v)
    {
        Span<byte> s = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(s, v);
        return AddIValue(PtmfIValueKind.Double, Struct(s, 8));
    }

    public int AddComplexDouble(double real, double imag)
    {
        Span<byte> s = stackalloc byte[16];
        BinaryPrimitives.WriteDoubleLittleEndian(s, real);
        BinaryPrimitives.WriteDoubleLittleEndian(s[8..], imag);
        return AddIValue(PtmfIValueKind.ComplexDouble, Struct(s, 8));
    }

    public int AddString(string s) => AddStringTable(PtmfIValueKind.String, s);

    public int AddDevice(string device) => AddStringTable(PtmfIValueKind.Device, device);

    private int AddStringTable(PtmfIValueKind kind, string s)
    {
        int str = _b.CreateSharedString(s);
        _b.StartTable(1);
        _b.AddOffsetField(0, str);
        return AddIValue(kind, _b.EndTable());
    }

    public int AddList(ReadOnlySpan<uint> items, string? annotation)
    {
        int vec = _b.CreateScalarVector(items);
        int ann = StringOrZero(annotation);
        _b.StartTable(2);
        _b.AddOffsetField(S.Items.Items_, vec);
        _b.AddOffsetField(S.Items.AnnotationStr, ann);
        return AddIValue(PtmfIValueKind.List, _b.EndTable());
    }

    public int AddTuple(ReadOnlySpan<uint> items) => AddVectorTable(PtmfIValueKind.Tuple, _b.CreateScalarVector(items));
    public int AddIntList(ReadOnlySpan<long> items) => AddVectorTable(PtmfIValueKind.IntList, _b.CreateScalarVector(items));
    public int AddDoubleList(ReadOnlySpan<double> items) => AddVectorTable(PtmfIValueKind.DoubleList, _b.CreateScalarVector(items));
    public int AddBoolList(ReadOnlySpan<bool> items) => AddVectorTable(PtmfIValueKind.BoolList, _b.CreateScalarVector(items));

    private int AddVectorTable(PtmfIValueKind kind, int vector)
    {
        _b.StartTable(1);
        _b.AddOffsetField(0, vector);
        return AddIValue(kind, _b.EndTable());
    }

    public int AddDict(ReadOnlySpan<uint> keys, ReadOnlySpan<uint> values, string? annotation)
    {
        if (keys.Length != values.Length) throw new ArgumentException("a dict needs as many values as keys");
        int k = _b.CreateScalarVector(keys);
        int v = _b.CreateScalarVector(values);
        int ann = StringOrZero(annotation);
        _b.StartTable(S.Dict.SlotCount);
        _b.AddOffsetField(S.Dict.Keys, k);
        _b.AddOffsetField(S.Dict.Values, v);
        _b.AddOffsetField(S.Dict.AnnotationStr, ann);
        return AddIValue(PtmfIValueKind.Dict, _b.EndTable());
    }

    public int AddEnumValue(string typeName, uint valueIndex)
    {
        int name = _b.CreateSharedString(typeName);
        _b.StartTable(S.EnumValue.SlotCount);
        _b.AddOffsetField(S.EnumValue.TypeName, name);
        _b.AddField(S.EnumValue.Value, valueIndex, 0u);
        return AddIValue(PtmfIValueKind.EnumValue, _b.EndTable());
    }

    public int AddObject(uint typeIndex, uint state, ReadOnlySpan<uint> attrs, uint setStateFunc)
    {
        int a = attrs.IsEmpty ? 0 : _b.CreateScalarVector(attrs);
        _b.StartTable(S.Object.SlotCount);
        _b.AddField(S.Object.TypeIndex, typeIndex, 0u);
        _b.AddField(S.Object.State, state, 0u);
        _b.AddOffsetField(S.Object.Attrs, a);
        _b.AddField(S.Object.SetStateFunc, setStateFunc, 0u);
        return AddIValue(PtmfIValueKind.Object, _b.EndTable());
    }

    /// <summary>A tensor over storage <paramref name="storageIndex"/>; sizes, strides and offset in elements.</summary>
    public int AddTensor(uint storageIndex, sbyte scalarType, int storageOffset, ReadOnlySpan<int> sizes, ReadOnlySpan<int> strides,
        bool requiresGrad = false, PtmfQuantizedSchemaInfo? quantized = null) =>
        AddIValue(PtmfIValueKind.TensorMetadata, TensorTable(storageIndex, scalarType, storageOffset, sizes, strides, requiresGrad, quantized));

    private int TensorTable(uint storageIndex, sbyte scalarType, int storageOffset, ReadOnlySpan<int> sizes, ReadOnlySpan<int> strides,
        bool requiresGrad, PtmfQuantizedSchemaInfo? q)
    {
        int qs = 0;
        if (q is not null)
        {
            int scales = q.Scales is { } s ? TensorTable(s.StorageIndex, s.ScalarType, s.StorageOffset, s.Sizes, s.Strides, false, null) : 0;
            int zeros = q.ZeroPoints is { } z ? TensorTable(z.StorageIndex, z.ScalarType, z.StorageOffset, z.Sizes, z.Strides, false, null) : 0;
            _b.StartTable(S.QuantizedSchema.SlotCount);
            _b.AddField(S.QuantizedSchema.Scale, q.Scale, 0.0);
            _b.AddOffsetField(S.QuantizedSchema.Scales, scales);
            _b.AddOffsetField(S.QuantizedSchema.ZeroPoints, zeros);
            _b.AddField(S.QuantizedSchema.ZeroPoint, q.ZeroPoint, 0);
            _b.AddField(S.QuantizedSchema.Axis, q.Axis, 0);
            _b.AddField(S.QuantizedSchema.QScheme, q.QScheme, (sbyte)0);
            qs = _b.EndTable();
        }
        int sz = _b.CreateScalarVector(sizes);
        int st = _b.CreateScalarVector(strides);
        _b.StartTable(S.TensorMetadata.SlotCount);
        _b.AddField(S.TensorMetadata.StorageLocationIndex, storageIndex, 0u);
        _b.AddField(S.TensorMetadata.StorageOffset, storageOffset, 0);
        _b.AddOffsetField(S.TensorMetadata.Sizes, sz);
        _b.AddOffsetField(S.TensorMetadata.Strides, st);
        _b.AddOffsetField(S.TensorMetadata.QuantizedSchema, qs);
        _b.AddField(S.TensorMetadata.ScalarType, scalarType, (sbyte)0);
        _b.AddField(S.TensorMetadata.RequiresGrad, requiresGrad, false);
        return _b.EndTable();
    }

    public int AddFunction(PtmfFunctionInfo f)
    {
        int qn = _b.CreateSharedString(f.QualifiedName);
        var packed = new byte[f.Instructions.Count * S.InstructionSize];
        for (int i = 0; i < f.Instructions.Count; i++)
        {
            var ins = f.Instructions[i];
            var s = packed.AsSpan(i * S.InstructionSize);
            s[0] = (byte)ins.Op;
            BinaryPrimitives.WriteUInt16LittleEndian(s[2..], ins.N);
            BinaryPrimitives.WriteInt32LittleEndian(s[4..], ins.X);
        }
        int code = _b.CreateStructVector(packed, S.InstructionSize, S.InstructionAlign);
        var ops = new int[f.Operators.Count];
        for (int i = 0; i < ops.Length; i++)
        {
            var op = f.Operators[i];
            int name = _b.CreateSharedString(op.Name);
            int overload = _b.CreateSharedString(op.OverloadName);
            _b.StartTable(S.Operator.SlotCount);
            _b.AddOffsetField(S.Operator.Name, name);
            _b.AddOffsetField(S.Operator.OverloadName, overload);
            _b.AddField(S.Operator.NumArgsSerialized, op.NumArgsSerialized, -1);
            ops[i] = _b.EndTable();
        }
        int operators = _b.CreateOffsetVector(ops);
        int constants = _b.CreateScalarVector<uint>([.. f.Constants]);
        int annotations = _b.CreateOffsetVector([.. f.TypeAnnotations.Select(_b.CreateSharedString)]);
        int schema = 0;
        if (f.Arguments is not null || f.Returns is not null)
        {
            int args = _b.CreateOffsetVector([.. (f.Arguments ?? []).Select(Arg)]);
            int rets = _b.CreateOffsetVector([.. (f.Returns ?? []).Select(Arg)]);
            _b.StartTable(S.Schema.SlotCount);
            _b.AddOffsetField(S.Schema.Arguments, args);
            _b.AddOffsetField(S.Schema.Returns, rets);
            schema = _b.EndTable();
        }
        int debug = 0;
        if (f.DebugHandles is not null)
        {
            int handles = _b.CreateScalarVector<long>([.. f.DebugHandles]);
            _b.StartTable(1);
            _b.AddOffsetField(0, handles);
            debug = _b.EndTable();
        }
        _b.StartTable(S.Function.SlotCount);
        _b.AddOffsetField(S.Function.Qn, qn);
        _b.AddOffsetField(S.Function.Instructions, code);
        _b.AddOffsetField(S.Function.Operators, operators);
        _b.AddOffsetField(S.Function.Constants, constants);
        _b.AddOffsetField(S.Function.TypeAnnotations, annotations);
        _b.AddField(S.Function.RegisterSize, f.RegisterSize, 0);
        _b.AddOffsetField(S.Function.Schema, schema);
        _b.AddOffsetField(S.Function.DebugInfo, debug);
        _b.AddField(S.Function.ClassType, f.ClassType, 0u);
        return AddIValue(PtmfIValueKind.Function, _b.EndTable());
    }

    private int Arg(PtmfArg a)
    {
        int name = _b.CreateSharedString(a.Name);
        int type = _b.CreateSharedString(a.Type);
        _b.StartTable(S.Arg.SlotCount);
        _b.AddOffsetField(S.Arg.Name, name);
        _b.AddOffsetField(S.Arg.Type, type);
        _b.AddField(S.Arg.DefaultValue, a.DefaultValue, 0u);
        return _b.EndTable();
    }

    public int AddStorage(ReadOnlySpan<byte> data)
    {
        int vec = _b.CreateByteVector(data, StorageAlignment);
        _b.StartTable(1);
        _b.AddOffsetField(0, vec);
        _storages.Add(_b.EndTable());
        return _storages.Count - 1;
    }

    public int AddObjectType(string typeName, PtmfTypeType type, IReadOnlyList<string> attrNames)
    {
        int name = _b.CreateSharedString(typeName);
        int attrs = _b.CreateOffsetVector([.. attrNames.Select(_b.CreateSharedString)]);
        _b.StartTable(S.ObjectType.SlotCount);
        _b.AddOffsetField(S.ObjectType.TypeName, name);
        _b.AddField(S.ObjectType.Type, (byte)type, (byte)0);
        _b.AddOffsetField(S.ObjectType.AttrNames, attrs);
        _objectTypes.Add(_b.EndTable());
        return _objectTypes.Count - 1;
    }

    public void AddExtraFile(string name, string content) => _extraFiles.Add(File(name, content));

    public void AddJitSource(string name, string content) => _jitSources.Add(File(name, content));

    private int File(string name, string content)
    {
        int n = _b.CreateString(name);
        int c = _b.CreateString(content);
        _b.StartTable(S.ExtraFile.SlotCount);
        _b.AddOffsetField(S.ExtraFile.Name, n);
        _b.AddOffsetField(S.ExtraFile.Content, c);
        return _b.EndTable();
    }

    /// <summary>Writes the Module table and returns the file's bytes.</summary>
    public byte[] Finish(uint bytecodeVersion, ReadOnlySpan<uint> methods, uint stateObj, ReadOnlySpan<uint> jitConstants,
        uint operatorVersion, uint mobileIValueSize)
    {
        int extra = _b.CreateOffsetVector([.. _extraFiles]);
        int meth = _b.CreateScalarVector(methods);
        int ivalues = _b.CreateOffsetVector([.. _ivalues]);
        int storage = _b.CreateOffsetVector([.. _storages]);
        int types = _b.CreateOffsetVector([.. _objectTypes]);
        int sources = _b.CreateOffsetVector([.. _jitSources]);
        int constants = _b.CreateScalarVector(jitConstants);
        _b.StartTable(S.Module.SlotCount);
        _b.AddField(S.Module.BytecodeVersion, bytecodeVersion, 0u);
        _b.AddOffsetField(S.Module.ExtraFiles, extra);
        _b.AddOffsetField(S.Module.Methods, meth);
        _b.AddField(S.Module.StateObj, stateObj, 0u);
        _b.AddOffsetField(S.Module.IValues, ivalues);
        _b.AddField(S.Module.StorageDataSize, _storages.Count, 0);
        _b.AddOffsetField(S.Module.StorageData, storage);
        _b.AddOffsetField(S.Module.ObjectTypes, types);
        _b.AddOffsetField(S.Module.JitSources, sources);
        _b.AddOffsetField(S.Module.JitConstants, constants);
        _b.AddField(S.Module.OperatorVersion, operatorVersion, 0u);
        _b.AddField(S.Module.MobileIValueSize, mobileIValueSize, 0u);
        return _b.Finish(_b.EndTable(), S.FileIdentifier);
    }
}
