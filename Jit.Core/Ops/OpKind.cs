namespace Jit.Ops;

/// <summary>How an op is executed and optimized.</summary>
public enum OpKind
{
    /// <summary>Pointwise over broadcast inputs: fusible, lowers to a TE expression.</summary>
    Elementwise,
    /// <summary>Reduces dims (sum, mean, amax, softmax's row reductions): fusible as a TE reduction.</summary>
    Reduction,
    /// <summary>The result aliases an input: only sizes, strides and offset change.</summary>
    View,
    /// <summary>Runs a hand-written kernel (GEMM, convolution, pooling, embedding, attention…).</summary>
    Extern,
    /// <summary>Numbers, lists, tuples and strings, run on the host.</summary>
    Host,
    /// <summary>Structural ops the interpreter itself handles (constants, control flow, list/tuple construction).</summary>
    Prim,
}
