using Jit.Runtime;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Kernels.Building;

/// <summary>A call's number arguments (alpha, beta, fill values) baked into a kernel as constants.</summary>
internal static class NumberConstants
{
    /// <summary>
    /// <paramref name="number"/> as a <paramref name="dtype"/> constant: floating dtypes take its
    /// value rounded, integer dtypes its exact int (a float for an integer dtype is for the
    /// template to decline), bool whether it is nonzero.
    /// </summary>
    public static Expr Of(IValue number, DType dtype) =>
        dtype.IsFloatingPoint() ? Expr.Const(number.AsDouble, dtype)
        : dtype == DType.Bool ? Expr.Bool(number.AsInt != 0)
        : new IntImm(dtype, number.AsInt);

    /// <summary><c>value · factor</c>, or the value itself when the factor is 1.</summary>
    public static Expr Scale(Expr value, IValue factor) => factor.AsDouble == 1 ? value : value * Of(factor, value.DType);
}
