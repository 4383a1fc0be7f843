namespace Jit.TensorExpr;

/// <summary>The kernel after a split, with the new loops' indices (<see cref="Tail"/> is null when no tail loop remains).</summary>
public sealed record SplitResult(TeKernel Kernel, Var Outer, Var Inner, Var? Tail);
