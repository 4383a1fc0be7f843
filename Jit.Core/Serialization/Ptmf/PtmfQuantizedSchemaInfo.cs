namespace Jit.Serialization.Ptmf;

/// <summary>Quantization parameters for <see cref="PtmfWriter.AddTensor"/>; per-channel schemes give Scales and ZeroPoints tensors.</summary>
public sealed record PtmfQuantizedSchemaInfo(sbyte QScheme, double Scale, int ZeroPoint, int Axis,
    PtmfTensorInfo? Scales = null, PtmfTensorInfo? ZeroPoints = null);
