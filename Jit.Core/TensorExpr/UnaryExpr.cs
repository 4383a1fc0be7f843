using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary><c>-X</c> or <c>!X</c> / <c>~X</c>, in the operand's dtype.</summary>
public sealed record UnaryExpr(UnaryOp Op, Expr X) : Expr
{
    public override DType DType => X.DType;
}
