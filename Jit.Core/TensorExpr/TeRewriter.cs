namespace Jit.TensorExpr;

/// <summary>
/// Rebuilds a kernel bottom-up (PyTorch's IRMutator, Roslyn's BoundTreeRewriter): each
/// <c>Rewrite*</c> method rewrites the children and returns the same instance when none changed,
/// so an untouched tree comes back by reference. Override a method to replace a node kind.
/// </summary>
public abstract class TeRewriter
{
    public virtual TeKernel Rewrite(TeKernel kernel)
    {
        var inputs = RewriteList(kernel.Inputs, RewriteBuffer);
        var outputs = RewriteList(kernel.Outputs, RewriteBuffer);
        var body = Rewrite(kernel.Body);
        return ReferenceEquals(inputs, kernel.Inputs) && ReferenceEquals(outputs, kernel.Outputs) && ReferenceEquals(body, kernel.Body)
            ? kernel
            : kernel with { Inputs = inputs, Outputs = outputs, Body = body };
    }

    /// <summary>Rewrites a buffer's size and stride expressions (buffers referenced by loads and stores too).</summary>
    public virtual TeBuffer RewriteBuffer(TeBuffer b)
    {
        var sizes = RewriteList(b.Sizes, Rewrite);
        var strides = RewriteList(b.Strides, Rewrite);
        return ReferenceEquals(sizes, b.Sizes) && ReferenceEquals(strides, b.Strides) ? b : b with { Sizes = sizes, Strides = strides };
    }

    public Expr Rewrite(Expr e) => e switch
    {
        IntImm x => RewriteIntImm(x),
        FloatImm x => RewriteFloatImm(x),
        Var x => RewriteVar(x),
        BinaryExpr x => RewriteBinary(x),
        UnaryExpr x => RewriteUnary(x),
        CastExpr x => RewriteCast(x),
        SelectExpr x => RewriteSelect(x),
        CallExpr x => RewriteCall(x),
        LoadExpr x => RewriteLoad(x),
        _ => throw new ArgumentException($"unknown expression node {e.GetType().Name}"),
    };

    public Stmt Rewrite(Stmt s) => s switch
    {
        StoreStmt x => RewriteStore(x),
        ReduceStmt x => RewriteReduce(x),
        ForStmt x => RewriteFor(x),
        BlockStmt x => RewriteBlock(x),
        IfStmt x => RewriteIf(x),
        AllocateStmt x => RewriteAllocate(x),
        BarrierStmt x => RewriteBarrier(x),
        _ => throw new ArgumentException($"unknown statement node {s.GetType().Name}"),
    };

    protected virtual Expr RewriteIntImm(IntImm e) => e;
    protected virtual Expr RewriteFloatImm(FloatImm e) => e;
    protected virtual Expr RewriteVar(Var e) => e;

    protected virtual Expr RewriteBinary(BinaryExpr e)
    {
        var a = Rewrite(e.A);
        var b = Rewrite(e.B);
        return ReferenceEquals(a, e.A) && ReferenceEquals(b, e.B) ? e : e with { A = a, B = b };
    }

    protected virtual Expr RewriteUnary(UnaryExpr e)
    {
        var x = Rewrite(e.X);
        return ReferenceEquals(x, e.X) ? e : e with { X = x };
    }

    protected virtual Expr RewriteCast(CastExpr e)
    {
        var x = Rewrite(e.X);
        return ReferenceEquals(x, e.X) ? e : e with { X = x };
    }

    protected virtual Expr RewriteSelect(SelectExpr e)
    {
        var c = Rewrite(e.Cond);
        var t = Rewrite(e.IfTrue);
        var f = Rewrite(e.IfFalse);
        return ReferenceEquals(c, e.Cond) && ReferenceEquals(t, e.IfTrue) && ReferenceEquals(f, e.IfFalse)
            ? e : e with { Cond = c, IfTrue = t, IfFalse = f };
    }

    protected virtual Expr RewriteCall(CallExpr e)
    {
        var args = RewriteList(e.Args, Rewrite);
        return ReferenceEquals(args, e.Args) ? e : e with { Args = args };
    }

    protected virtual Expr RewriteLoad(LoadExpr e)
    {
        var buf = RewriteBuffer(e.Buffer);
        var idx = RewriteList(e.Indices, Rewrite);
        return ReferenceEquals(buf, e.Buffer) && ReferenceEquals(idx, e.Indices) ? e : e with { Buffer = buf, Indices = idx };
    }

    protected virtual Stmt RewriteStore(StoreStmt s)
    {
        var buf = RewriteBuffer(s.Buffer);
        var idx = RewriteList(s.Indices, Rewrite);
        var v = Rewrite(s.Value);
        return ReferenceEquals(buf, s.Buffer) && ReferenceEquals(idx, s.Indices) && ReferenceEquals(v, s.Value)
            ? s : s with { Buffer = buf, Indices = idx, Value = v };
    }

    protected virtual Stmt RewriteReduce(ReduceStmt s)
    {
        var buf = RewriteBuffer(s.Buffer);
        var idx = RewriteList(s.Indices, Rewrite);
        var v = Rewrite(s.Value);
        return ReferenceEquals(buf, s.Buffer) && ReferenceEquals(idx, s.Indices) && ReferenceEquals(v, s.Value)
            ? s : s with { Buffer = buf, Indices = idx, Value = v };
    }

    protected virtual Stmt RewriteFor(ForStmt s)
    {
        var start = Rewrite(s.Start);
        var stop = Rewrite(s.Stop);
        var body = Rewrite(s.Body);
        return ReferenceEquals(start, s.Start) && ReferenceEquals(stop, s.Stop) && ReferenceEquals(body, s.Body)
            ? s : s with { Start = start, Stop = stop, Body = body };
    }

    protected virtual Stmt RewriteBlock(BlockStmt s)
    {
        var stmts = RewriteList(s.Stmts, Rewrite);
        return ReferenceEquals(stmts, s.Stmts) ? s : new BlockStmt(stmts);
    }

    protected virtual Stmt RewriteIf(IfStmt s)
    {
        var c = Rewrite(s.Cond);
        var t = Rewrite(s.Then);
        var f = s.Else is null ? null : Rewrite(s.Else);
        return ReferenceEquals(c, s.Cond) && ReferenceEquals(t, s.Then) && ReferenceEquals(f, s.Else)
            ? s : new IfStmt(c, t, f);
    }

    protected virtual Stmt RewriteAllocate(AllocateStmt s)
    {
        var buf = RewriteBuffer(s.Buffer);
        var body = Rewrite(s.Body);
        return ReferenceEquals(buf, s.Buffer) && ReferenceEquals(body, s.Body) ? s : new AllocateStmt(buf, body, s.Scope);
    }

    protected virtual Stmt RewriteBarrier(BarrierStmt s) => s;

    /// <summary>Rewrites each element; allocates a new list only from the first element that changed.</summary>
    protected static NodeList<T> RewriteList<T>(NodeList<T> list, Func<T, T> rewrite) where T : class
    {
        T[]? changed = null;
        for (int i = 0; i < list.Count; i++)
        {
            var x = list[i];
            var y = rewrite(x);
            if (changed is null && !ReferenceEquals(x, y))
            {
                changed = new T[list.Count];
                for (int j = 0; j < i; j++) changed[j] = list[j];
            }
            if (changed is not null) changed[i] = y;
        }
        return changed is null ? list : NodeList.Create<T>(changed);
    }
}
