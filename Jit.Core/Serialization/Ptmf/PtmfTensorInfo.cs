namespace Jit.Serialization.Ptmf;

/// <summary>A tensor's metadata for writing: storage index, c10 scalar type, offset, sizes and strides in elements.</summary>
public sealed record PtmfTensorInfo(uint StorageIndex, sbyte ScalarType, int StorageOffset, int[] Sizes, int[] Strides);
