using Jit.Serialization.FlatBuffers;
using Q = Jit.Serialization.Ptmf.PtmfSchema.QuantizedSchema;

namespace Jit.Serialization.Ptmf;

/// <summary>Quantization parameters of a quantized tensor (per-tensor or per-channel).</summary>
public readonly struct PtmfQuantizedSchema
{
    private readonly FbTable _table;

    internal PtmfQuantizedSchema(FbTable table) => _table = table;

    /// <summary>c10::QScheme: 0 per-tensor affine, 1 per-channel affine, 2 per-tensor symmetric, 3 per-channel symmetric, 4 per-channel affine float qparams.</summary>
    public sbyte QScheme => _table.GetSByte(Q.QScheme);
    public double Scale => _table.GetDouble(Q.Scale);
    public int ZeroPoint => _table.GetInt32(Q.ZeroPoint);
    public PtmfTensorMetadata? Scales => _table.GetTable(Q.Scales) is { } t ? new PtmfTensorMetadata(t) : null;
    public PtmfTensorMetadata? ZeroPoints => _table.GetTable(Q.ZeroPoints) is { } t ? new PtmfTensorMetadata(t) : null;
    public int Axis => _table.GetInt32(Q.Axis);
}
