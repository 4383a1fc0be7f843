using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>The element of <see cref="Buffer"/> at logical indices <see cref="Indices"/> (one int per dim, none for a scalar).</summary>
public sealed record LoadExpr(TeBuffer Buffer, NodeList<Expr> Indices) : Expr
{
    public override DType DType => Buffer.DType;
}
