using Jit.TensorExpr;

namespace Jit.Codegen;

/// <summary>
/// A perfect nest of rectangular loops (no bound depends on an index of the nest) peeled off a
/// statement, and the body under it; flattened to one linear index by <see cref="Recover"/>.
/// </summary>
internal sealed record LoopNest(IReadOnlyList<ForStmt> Loops, Stmt Body)
{
    /// <summary>Peels every loop whose body is one loop (or a block of one) and whose bounds use no peeled index.</summary>
    public static LoopNest Peel(Stmt s)
    {
        var loops = new List<ForStmt>();
        var vars = new HashSet<Var>();
        while (Unwrap(s) is ForStmt f && !FreeVars.Of(f.Start).Overlaps(vars) && !FreeVars.Of(f.Stop).Overlaps(vars))
        {
            loops.Add(f);
            vars.Add(f.Index);
            s = f.Body;
        }
        return new LoopNest(loops, Unwrap(s));
    }

    private static Stmt Unwrap(Stmt s) => s is BlockStmt { Stmts.Count: 1 } b ? Unwrap(b.Stmts[0]) : s;

    /// <summary>The loop indices, outermost first.</summary>
    public IEnumerable<Var> Indices => Loops.Select(l => l.Index);

    private static Expr Extent(ForStmt f) =>
        f.Start is IntImm { Value: 0 } ? f.Stop : Expr.Max(f.Stop - f.Start, Expr.Int(0));

    /// <summary>The number of iterations of the whole nest (1 for no loops).</summary>
    public Expr Total()
    {
        Expr n = Expr.Int(1);
        foreach (var l in Loops) n = n * Extent(l);
        return TeSimplifier.Simplify(n);
    }

    /// <summary>
    /// <paramref name="body"/> (over the nest's indices) run at linear index <paramref name="linear"/>
    /// of the nest: each index is recovered by div/mod into a private int64 scalar named after it.
    /// </summary>
    public Stmt Recover(Expr linear, Stmt body)
    {
        if (Loops.Count == 0) return body;
        var map = new Dictionary<Var, Expr>();
        var values = new Expr[Loops.Count];
        Expr stride = Expr.Int(1);
        for (int k = Loops.Count - 1; k >= 0; k--)
        {
            var l = Loops[k];
            Expr q = stride is IntImm { Value: 1 } ? linear : linear / stride;
            Expr v = k == 0 ? q : q % Extent(l);
            values[k] = TeSimplifier.Simplify(l.Start is IntImm { Value: 0 } ? v : l.Start + v);
            stride = TeSimplifier.Simplify(stride * Extent(l));
        }
        var scalars = Loops.Select(l => TeBuffer.Contiguous(l.Index.Name, l.Index.VarType, [])).ToArray();
        for (int k = 0; k < Loops.Count; k++) map[Loops[k].Index] = scalars[k].Load();
        Stmt result = VarSubstituter.Substitute(body, map);
        // alloc i0 { i0 = ...; alloc i1 { i1 = ...; body } }: each value reads only the linear index.
        for (int k = Loops.Count - 1; k >= 0; k--)
        {
            var set = scalars[k].Store([], Expr.Cast(values[k], scalars[k].DType));
            result = new AllocateStmt(scalars[k], new BlockStmt(NodeList.Create<Stmt>([set, result])), BufferScope.Private);
        }
        return result;
    }
}
