namespace Jit.TensorExpr;

/// <summary>Unary operators: arithmetic negation, and <see cref="Not"/> (logical on bool, bitwise on integers).</summary>
public enum UnaryOp
{
    Neg,
    Not,
}
