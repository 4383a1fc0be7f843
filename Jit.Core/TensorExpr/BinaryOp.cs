namespace Jit.TensorExpr;

/// <summary>
/// Binary operators. Operands have the same dtype. Integer <see cref="Div"/> and <see cref="Mod"/>
/// truncate toward zero as in C (what every backend renders directly); on floats <see cref="Mod"/>
/// is C's fmod. <see cref="Min"/> and <see cref="Max"/> propagate NaN, as torch.minimum/maximum.
/// <see cref="And"/>, <see cref="Or"/>, <see cref="Xor"/> are bitwise on integers, logical on bool.
/// Comparisons yield bool.
/// </summary>
public enum BinaryOp
{
    Add, Sub, Mul, Div, Mod, Min, Max, And, Or, Xor,
    Eq, Ne, Lt, Le, Gt, Ge,
}
