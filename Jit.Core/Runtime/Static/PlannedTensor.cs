using Jit.Ir;
using Jit.Tensors;

namespace Jit.Runtime.Static;

/// <summary>One tensor value the memory planner placed: where in the arena, how big, and when it is live.</summary>
public sealed record PlannedTensor(Value Value, DType DType, long[] Sizes, long Offset, long Bytes, int Start, int End);
