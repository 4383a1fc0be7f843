using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary><c>Cond ? IfTrue : IfFalse</c> (torch.where); the condition is bool, both branches have one dtype. Both branches may be evaluated.</summary>
public sealed record SelectExpr(Expr Cond, Expr IfTrue, Expr IfFalse) : Expr
{
    public override DType DType => IfTrue.DType;
}
