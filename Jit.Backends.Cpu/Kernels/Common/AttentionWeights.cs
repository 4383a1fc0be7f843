using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>The projection parameters of a fused attention op: packed q/k/v [3E, E] and [3E], output [E', E] and [E'].</summary>
internal readonly record struct AttentionWeights(Tensor QkvWeight, Tensor QkvBias, Tensor ProjWeight, Tensor ProjBias)
{
    /// <summary>The same weights, each contiguous and of <paramref name="dtype"/> (copied only where they are not).</summary>
    public AttentionWeights Prepared(DType dtype) =>
        new(ShapeCopy.ToContiguous(QkvWeight, dtype), ShapeCopy.ToContiguous(QkvBias, dtype),
            ShapeCopy.ToContiguous(ProjWeight, dtype), ShapeCopy.ToContiguous(ProjBias, dtype));
}
