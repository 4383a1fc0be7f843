namespace Jit.TensorExpr;

/// <summary>
/// Math functions a <see cref="CallExpr"/> applies. The transcendental ones take floating-point
/// arguments (a lowering casts integers first); <see cref="Abs"/>, <see cref="Pow"/>,
/// <see cref="Fmod"/>, <see cref="Remainder"/>, <see cref="FloorDiv"/> and the rounding functions
/// also take integers. <see cref="Remainder"/> and <see cref="FloorDiv"/> round toward negative
/// infinity (Python's % and //), <see cref="Fmod"/> toward zero; <see cref="Round"/> rounds half
/// to even, as torch.round. <see cref="IsNan"/> yields bool.
/// </summary>
public enum Intrinsic
{
    Exp, Exp2, Log, Log2, Log10, Log1p, Expm1,
    Sqrt, Rsqrt, Sin, Cos, Tan, Asin, Acos, Atan, Sinh, Cosh, Tanh,
    Erf, Erfc, Sigmoid, Abs, Floor, Ceil, Round, Trunc, IsNan,
    Pow, Atan2, Fmod, Remainder, FloorDiv,
}
