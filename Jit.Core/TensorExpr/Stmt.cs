namespace Jit.TensorExpr;

/// <summary>A tensor-expression statement: immutable and structurally comparable like <see cref="Expr"/>.</summary>
public abstract record Stmt
{
    /// <summary>The printed form (<see cref="TePrinter"/>).</summary>
    public sealed override string ToString() => TePrinter.Print(this);
}
