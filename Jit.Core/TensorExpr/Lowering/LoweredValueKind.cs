namespace Jit.TensorExpr.Lowering;

/// <summary>What a lowered graph value is: a tensor, a scalar expression, a constant or a tuple.</summary>
public enum LoweredValueKind
{
    /// <summary>A function from output indices to an element expression, with dtype and (symbolic) shape.</summary>
    Tensor,
    /// <summary>A number computed in the kernel (an int, float or bool input of the group): an <see cref="Expr"/>.</summary>
    Scalar,
    /// <summary>A compile-time constant argument: a number, list of ints, string, dtype code or None.</summary>
    Constant,
    /// <summary>The outputs of a multi-output op (max.dim, native_layer_norm).</summary>
    Tuple,
}
