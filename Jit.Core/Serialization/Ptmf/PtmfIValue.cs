using Jit.Errors;
using Jit.Serialization.FlatBuffers;
using S = Jit.Serialization.Ptmf.PtmfSchema;

namespace Jit.Serialization.Ptmf;

/// <summary>
/// One entry of the module's <c>ivalues</c> table, read in place. Asking for the wrong kind is a
/// format error (the index came from the file), reported with the entry's byte offset.
/// </summary>
public readonly struct PtmfIValue
{
    private readonly FbTable _table;

    /// <summary>Position of this entry in the module's ivalues vector.</summary>
    public int Index { get; }
    public PtmfIValueKind Kind { get; }

    internal PtmfIValue(FbTable table, int index)
    {
        _table = table;
        Index = index;
        Kind = (PtmfIValueKind)table.GetUnionType(S.IValue.ValType);
    }

    public int ByteOffset => _table.Position;

    private JitFormatException Mismatch(PtmfIValueKind expected) =>
        new($"PTMF: ivalue {Index} is {Kind}, expected {expected}", _table.Position);

    private FbStruct Struct(PtmfIValueKind kind) =>
        Kind == kind ? _table.GetUnionStruct(S.IValue.Val)!.Value : throw Mismatch(kind);

    private FbTable Table(PtmfIValueKind kind) =>
        Kind == kind ? _table.GetUnionTable(S.IValue.Val)!.Value : throw Mismatch(kind);

    public bool IsNone => Kind == PtmfIValueKind.None;
    public long AsInt => Struct(PtmfIValueKind.Int).GetInt64(0);
    public bool AsBool => Struct(PtmfIValueKind.Bool).GetBool(0);
    public double AsDouble => Struct(PtmfIValueKind.Double).GetDouble(0);
    public (double Real, double Imag) AsComplexDouble
    {
        get { var s = Struct(PtmfIValueKind.ComplexDouble); return (s.GetDouble(0), s.GetDouble(8)); }
    }
    public string AsString => Table(PtmfIValueKind.String).GetString(0) ?? "";
    /// <summary>A device string such as <c>cpu</c> or <c>cuda:0</c>.</summary>
    public string AsDevice => Table(PtmfIValueKind.Device).GetString(0) ?? "";
    public PtmfTensorMetadata AsTensor => new(Table(PtmfIValueKind.TensorMetadata));
    public PtmfObject AsObject => new(Table(PtmfIValueKind.Object));
    public PtmfFunction AsFunction => new(Table(PtmfIValueKind.Function));
    public long[] AsIntList => Table(PtmfIValueKind.IntList).GetVector(0).ToInt64Array();
    public double[] AsDoubleList => Table(PtmfIValueKind.DoubleList).GetVector(0).ToDoubleArray();
    public bool[] AsBoolList => Table(PtmfIValueKind.BoolList).GetVector(0).ToBoolArray();

    /// <summary>Indices (into ivalues) of a List's or Tuple's items.</summary>
    public uint[] Items => Kind switch
    {
        PtmfIValueKind.List => Table(PtmfIValueKind.List).GetVector(S.Items.Items_).ToUInt32Array(),
        PtmfIValueKind.Tuple => Table(PtmfIValueKind.Tuple).GetVector(S.Items.Items_).ToUInt32Array(),
        _ => throw Mismatch(PtmfIValueKind.List),
    };

    /// <summary>The element type of a List or Dict as TorchScript prints it (e.g. <c>List[int]</c>).</summary>
    public string? AnnotationStr => Kind switch
    {
        PtmfIValueKind.List => Table(PtmfIValueKind.List).GetString(S.Items.AnnotationStr),
        PtmfIValueKind.Dict => Table(PtmfIValueKind.Dict).GetString(S.Dict.AnnotationStr),
        _ => throw Mismatch(PtmfIValueKind.List),
    };

    public uint[] DictKeys => Table(PtmfIValueKind.Dict).GetVector(S.Dict.Keys).ToUInt32Array();
    public uint[] DictValues => Table(PtmfIValueKind.Dict).GetVector(S.Dict.Values).ToUInt32Array();

    public string EnumTypeName => Table(PtmfIValueKind.EnumValue).GetString(S.EnumValue.TypeName) ?? "";
    /// <summary>Index (into ivalues) of the enum member's value.</summary>
    public uint EnumValueIndex => Table(PtmfIValueKind.EnumValue).GetUInt32(S.EnumValue.Value);

    public override string ToString() => $"ivalue {Index}: {Kind}";
}
