namespace Jit.TensorExpr;

/// <summary>Replaces variables by expressions (loop inlining, splitting, custom reducers).</summary>
internal sealed class VarSubstituter(IReadOnlyDictionary<Var, Expr> map) : TeRewriter
{
    public static Expr Substitute(Expr e, IReadOnlyDictionary<Var, Expr> map) => new VarSubstituter(map).Rewrite(e);

    public static Stmt Substitute(Stmt s, IReadOnlyDictionary<Var, Expr> map) => new VarSubstituter(map).Rewrite(s);

    protected override Expr RewriteVar(Var e) => map.TryGetValue(e, out var r) ? r : e;
}
