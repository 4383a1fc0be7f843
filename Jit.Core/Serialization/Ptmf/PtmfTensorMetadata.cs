using Jit.Errors;
using Jit.Serialization.FlatBuffers;
using Jit.Tensors;
using M = Jit.Serialization.Ptmf.PtmfSchema.TensorMetadata;

namespace Jit.Serialization.Ptmf;

/// <summary>
/// A tensor as PTMF stores it: which storage, element type (c10::ScalarType number), offset,
/// sizes and strides in elements. <see cref="PtmfModule.Load"/> has checked it fits its storage.
/// </summary>
public readonly struct PtmfTensorMetadata
{
    private readonly FbTable _table;

    internal PtmfTensorMetadata(FbTable table) => _table = table;

    public int ByteOffset => _table.Position;
    public uint StorageLocationIndex => _table.GetUInt32(M.StorageLocationIndex);
    /// <summary>The raw c10::ScalarType number (see <see cref="DType"/> for the ones we compute with).</summary>
    public sbyte ScalarType => _table.GetSByte(M.ScalarType);
    public int StorageOffset => _table.GetInt32(M.StorageOffset);
    public int[] Sizes => _table.GetVector(M.Sizes).ToInt32Array();
    public int[] Strides => _table.GetVector(M.Strides).ToInt32Array();
    public bool RequiresGrad => _table.GetBool(M.RequiresGrad);
    public PtmfQuantizedSchema? QuantizedSchema => _table.GetTable(M.QuantizedSchema) is { } q ? new PtmfQuantizedSchema(q) : null;

    /// <summary>The element type, for the scalar types our tensors support.</summary>
    public DType DType => ScalarType switch
    {
        0 => DType.UInt8, 1 => DType.Int8, 2 => DType.Int16, 3 => DType.Int32, 4 => DType.Int64,
        5 => DType.Float16, 6 => DType.Float32, 7 => DType.Float64, 11 => DType.Bool, 15 => DType.BFloat16,
        _ => throw new JitFormatException($"PTMF: tensor scalar_type {ScalarType} ({ScalarTypeName(ScalarType)}) is not supported", _table.Position),
    };

    /// <summary>Bytes per element of a c10::ScalarType, or 0 for a number c10 does not define.</summary>
    internal static int ElementSize(sbyte scalarType) => scalarType switch
    {
        0 or 1 or 11 or 12 or 13 or 16 or 17 => 1, // uint8, int8, bool, qint8, quint8, quint4x2, quint2x4
        2 or 5 or 15 => 2,                         // int16, half, bfloat16
        3 or 6 or 8 or 14 => 4,                    // int32, float, complex half, qint32
        4 or 7 or 9 => 8,                          // int64, double, complex float
        10 => 16,                                  // complex double
        _ => 0,
    };

    internal static string ScalarTypeName(sbyte scalarType) => scalarType switch
    {
        0 => "Byte", 1 => "Char", 2 => "Short", 3 => "Int", 4 => "Long", 5 => "Half", 6 => "Float", 7 => "Double",
        8 => "ComplexHalf", 9 => "ComplexFloat", 10 => "ComplexDouble", 11 => "Bool", 12 => "QInt8", 13 => "QUInt8",
        14 => "QInt32", 15 => "BFloat16", 16 => "QUInt4x2", 17 => "QUInt2x4", _ => "unknown",
    };
}
