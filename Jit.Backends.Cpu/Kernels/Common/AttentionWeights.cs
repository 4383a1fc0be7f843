using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>The projection parameters of a fused attention op: packed q/k/v [3E, E] and [3E], output [E', E] and [E'].</summary>
internal sealed record AttentionWeights(Tensor QkvWeight, Tensor QkvBias, Tensor ProjWeight, Tensor ProjBias);
