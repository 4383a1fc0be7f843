using Jit.TensorExpr;

namespace Jit.Codegen;

/// <summary>The variables an expression or statement reads, and the buffers it loads and stores.</summary>
internal sealed class FreeVars : TeVisitor
{
    public readonly HashSet<Var> Vars = [];
    public readonly List<LoadExpr> Loads = [];
    public readonly List<(TeBuffer Buffer, NodeList<Expr> Indices)> Writes = [];
    public readonly HashSet<string> Allocated = [];

    public static HashSet<Var> Of(Expr e)
    {
        var v = new FreeVars();
        v.Visit(e);
        return v.Vars;
    }

    public static FreeVars OfStmt(Stmt s)
    {
        var v = new FreeVars();
        v.Visit(s);
        return v;
    }

    protected override void VisitVar(Var e) => Vars.Add(e);

    protected override void VisitLoad(LoadExpr e)
    {
        Loads.Add(e);
        base.VisitLoad(e);
    }

    protected override void VisitStore(StoreStmt s)
    {
        Writes.Add((s.Buffer, s.Indices));
        base.VisitStore(s);
    }

    protected override void VisitAllocate(AllocateStmt s)
    {
        Allocated.Add(s.Buffer.Name);
        base.VisitAllocate(s);
    }

    protected override void VisitReduce(ReduceStmt s)
    {
        Writes.Add((s.Buffer, s.Indices));
        base.VisitReduce(s);
    }
}
