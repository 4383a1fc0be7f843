namespace Jit.TensorExpr;

/// <summary>
/// Walks every node of a kernel, statement or expression in order (PyTorch's IRVisitor). Override
/// a <c>Visit*</c> method to look at a node kind and call the base to keep walking its children.
/// </summary>
public abstract class TeVisitor
{
    public virtual void Visit(TeKernel kernel)
    {
        foreach (var b in kernel.Inputs) VisitBuffer(b);
        foreach (var b in kernel.Outputs) VisitBuffer(b);
        Visit(kernel.Body);
    }

    /// <summary>Visits the size and stride expressions of a declared buffer.</summary>
    public virtual void VisitBuffer(TeBuffer buffer)
    {
        foreach (var e in buffer.Sizes) Visit(e);
        foreach (var e in buffer.Strides) Visit(e);
    }

    public void Visit(Expr e)
    {
        switch (e)
        {
            case IntImm x: VisitIntImm(x); break;
            case FloatImm x: VisitFloatImm(x); break;
            case Var x: VisitVar(x); break;
            case BinaryExpr x: VisitBinary(x); break;
            case UnaryExpr x: VisitUnary(x); break;
            case CastExpr x: VisitCast(x); break;
            case SelectExpr x: VisitSelect(x); break;
            case CallExpr x: VisitCall(x); break;
            case LoadExpr x: VisitLoad(x); break;
            default: throw new ArgumentException($"unknown expression node {e.GetType().Name}");
        }
    }

    public void Visit(Stmt s)
    {
        switch (s)
        {
            case StoreStmt x: VisitStore(x); break;
            case ReduceStmt x: VisitReduce(x); break;
            case ForStmt x: VisitFor(x); break;
            case BlockStmt x: VisitBlock(x); break;
            case IfStmt x: VisitIf(x); break;
            case AllocateStmt x: VisitAllocate(x); break;
            case BarrierStmt x: VisitBarrier(x); break;
            default: throw new ArgumentException($"unknown statement node {s.GetType().Name}");
        }
    }

    protected virtual void VisitIntImm(IntImm e) { }
    protected virtual void VisitFloatImm(FloatImm e) { }
    protected virtual void VisitVar(Var e) { }
    protected virtual void VisitBinary(BinaryExpr e) { Visit(e.A); Visit(e.B); }
    protected virtual void VisitUnary(UnaryExpr e) => Visit(e.X);
    protected virtual void VisitCast(CastExpr e) => Visit(e.X);
    protected virtual void VisitSelect(SelectExpr e) { Visit(e.Cond); Visit(e.IfTrue); Visit(e.IfFalse); }
    protected virtual void VisitCall(CallExpr e) { foreach (var a in e.Args) Visit(a); }
    protected virtual void VisitLoad(LoadExpr e) { foreach (var i in e.Indices) Visit(i); }

    protected virtual void VisitStore(StoreStmt s)
    {
        foreach (var i in s.Indices) Visit(i);
        Visit(s.Value);
    }

    protected virtual void VisitReduce(ReduceStmt s)
    {
        foreach (var i in s.Indices) Visit(i);
        Visit(s.Value);
    }

    protected virtual void VisitFor(ForStmt s)
    {
        Visit(s.Start);
        Visit(s.Stop);
        Visit(s.Body);
    }

    protected virtual void VisitBlock(BlockStmt s) { foreach (var x in s.Stmts) Visit(x); }

    protected virtual void VisitIf(IfStmt s)
    {
        Visit(s.Cond);
        Visit(s.Then);
        if (s.Else is not null) Visit(s.Else);
    }

    protected virtual void VisitBarrier(BarrierStmt s) { }

    protected virtual void VisitAllocate(AllocateStmt s)
    {
        VisitBuffer(s.Buffer);
        Visit(s.Body);
    }
}
