using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary><c>A op B</c>; see <see cref="BinaryOp"/> for the semantics. Comparisons are bool, the rest have the operands' dtype.</summary>
public sealed record BinaryExpr(BinaryOp Op, Expr A, Expr B) : Expr
{
    public override DType DType => IsComparison(Op) ? DType.Bool : A.DType;

    public static bool IsComparison(BinaryOp op) => op is >= BinaryOp.Eq and <= BinaryOp.Ge;
}
