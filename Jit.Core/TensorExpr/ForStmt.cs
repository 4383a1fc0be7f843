namespace Jit.TensorExpr;

/// <summary>
/// <c>for (Index = Start; Index &lt; Stop; Index++) Body</c>. The annotation says how a backend
/// should run it (vectorized, parallel, on GPU axes) and never changes the result.
/// </summary>
public sealed record ForStmt(Var Index, Expr Start, Expr Stop, Stmt Body, LoopAnnotation Annotation) : Stmt
{
    /// <summary>A serial loop.</summary>
    public ForStmt(Var index, Expr start, Expr stop, Stmt body) : this(index, start, stop, body, LoopAnnotation.Serial) { }
}
