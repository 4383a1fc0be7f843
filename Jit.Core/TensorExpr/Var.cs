using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>
/// A named scalar variable: a loop index, a kernel parameter (symbolic size or stride) or a
/// reducer's operand. Two vars are the same variable when name and dtype are equal, so names
/// must be unique within a kernel (<see cref="TeVerifier"/> checks).
/// </summary>
public sealed record Var(string Name, DType VarType = DType.Int64) : Expr
{
    public override DType DType => VarType;
}
