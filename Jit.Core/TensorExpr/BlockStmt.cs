namespace Jit.TensorExpr;

/// <summary>Statements run in order.</summary>
public sealed record BlockStmt(NodeList<Stmt> Stmts) : Stmt
{
    /// <summary>The empty block (a no-op).</summary>
    public static readonly BlockStmt Empty = new(NodeList<Stmt>.Empty);
}
