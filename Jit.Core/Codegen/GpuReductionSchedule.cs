using Jit.TensorExpr;

namespace Jit.Codegen;

/// <summary>
/// The row reduction pattern the lowering emits, <c>T[idx] = init; for r.. { T[idx] op= v }</c>
/// with <c>idx</c> over the outer indices only, and its <see cref="GpuStageKind.GroupPerRow"/>
/// form: one work-group per row (grid-stride over rows), each work-item folding a strided part of
/// the reduced extent into a private accumulator, then a tree in local memory.
/// </summary>
internal static class GpuReductionSchedule
{
    /// <summary>
    /// A matched reduction: the init store, the reduction loops and their reduce step; where the
    /// accumulator is a private scalar (<see cref="Acc"/>), the statements after the loops that
    /// use it (<see cref="Rest"/>, e.g. rounding a float32 sum into a float16 element).
    /// </summary>
    public sealed record Pattern(AllocateStmt? Acc, StoreStmt Init, LoopNest Loops, ReduceStmt Step, IReadOnlyList<Stmt> Rest)
    {
        /// <summary>The reduced extent (all reduction loops together).</summary>
        public Expr Extent => Loops.Total();
    }

    /// <summary>
    /// The pattern in <paramref name="body"/> under outer indices <paramref name="outer"/>, or null:
    /// <c>T[idx] = init; for r.. { T[idx] op= v }</c>, or
    /// <c>alloc acc { acc = init; for r.. { acc op= v }; rest }</c> where rest writes only elements of the row.
    /// </summary>
    public static Pattern? Match(IReadOnlySet<Var> outer, Stmt body)
    {
        AllocateStmt? acc = null;
        if (body is AllocateStmt { Buffer.Rank: 0 } a)
        {
            acc = a;
            body = a.Body;
        }
        if (body is not BlockStmt { Stmts.Count: >= 2 } b || b.Stmts[0] is not StoreStmt init || b.Stmts[1] is not ForStmt) return null;
        var rest = b.Stmts.Skip(2).ToList();
        if (acc is null ? rest.Count > 0 : init.Buffer.Name != acc.Buffer.Name) return null;
        var loops = LoopNest.Peel(b.Stmts[1]);
        if (loops.Loops.Count == 0 || loops.Body is not ReduceStmt step) return null;
        if (step.Reducer.Kind == ReduceKind.Custom) return null;
        if (step.Buffer.Name != init.Buffer.Name || !step.Indices.Equals(init.Indices)) return null;
        var inner = loops.Indices.ToHashSet();
        // The element depends on the row only; the reduction bounds on the row at most.
        foreach (var i in init.Indices)
        {
            var vars = FreeVars.Of(i);
            if (vars.Overlaps(inner)) return null;
        }
        // Neither the init nor the step value reads the accumulated buffer.
        if (Reads(init.Value, init.Buffer) || Reads(step.Value, init.Buffer)) return null;
        // What follows the loops runs once per row, so it may write only that row's elements.
        var after = FreeVars.OfStmt(new BlockStmt(NodeList.From(rest)));
        if (after.Writes.Any(w => !after.Allocated.Contains(w.Buffer.Name) && !outer.All(v => w.Indices.Any(i => i is Var x && x.Equals(v)))))
            return null;
        return new Pattern(acc, init, loops, step, rest);
    }

    private static bool Reads(Expr e, TeBuffer buffer)
    {
        var v = new FreeVars();
        v.Visit(e);
        return v.Loads.Any(l => l.Buffer.Name == buffer.Name);
    }

    /// <summary>The GroupPerRow statement for <paramref name="rows"/> (the outer nest) and <paramref name="p"/>.</summary>
    public static Stmt Build(LoopNest rows, Pattern p, int localSize, string kernelText)
    {
        var t = p.Step.Buffer.DType;
        var reducer = p.Step.Reducer;
        var row = new Var(GpuSchedule.FreshName(kernelText, "row"));
        var tid = new Var(GpuSchedule.FreshName(kernelText, "tid"));
        var j = new Var(GpuSchedule.FreshName(kernelText, "j"));
        var red = TeBuffer.Contiguous(GpuSchedule.FreshName(kernelText, "red"), t, [Expr.Int(localSize)]);
        var acc = TeBuffer.Contiguous(GpuSchedule.FreshName(kernelText, "acc"), t, []);
        Expr k = tid + j * localSize;
        Expr extent = p.Extent;

        // Phase 1: each work-item folds elements tid, tid + L, tid + 2L, ... of the row.
        var step = new ReduceStmt(acc, NodeList<Expr>.Empty, reducer, p.Step.Value);
        var strided = new ForStmt(j, 0, TeSimplifier.Simplify((extent - tid + (localSize - 1)) / localSize), p.Loops.Recover(k, step));
        var fold = new AllocateStmt(acc, Block(acc.Store([], reducer.Init(t)), strided, red.Store([tid], acc.Load())), BufferScope.Private);
        var phases = new List<Stmt> { Thread(tid, localSize, fold) };

        // Phase 2: a tree in local memory, halving the live work-items each level.
        for (int s = localSize / 2; s >= 1; s /= 2)
        {
            phases.Add(BarrierStmt.Instance);
            var combine = new ReduceStmt(red, NodeList.Create<Expr>([tid]), reducer, red.Load(tid + s));
            phases.Add(Thread(tid, localSize, new IfStmt(Expr.Lt(tid, Expr.Int(s)), combine)));
        }

        // Phase 3: work-item 0 writes the row (init, then the tree's total), then all wait before
        // the next row reuses the local buffer.
        phases.Add(BarrierStmt.Instance);
        Stmt write = Block([p.Init, p.Step with { Value = red.Load(Expr.Int(0)) }, .. p.Rest]);
        if (p.Acc is not null) write = p.Acc with { Body = write, Scope = BufferScope.Private };
        phases.Add(Thread(tid, localSize, new IfStmt(Expr.Eq(tid, Expr.Int(0)), write)));
        phases.Add(BarrierStmt.Instance);

        var perRow = new AllocateStmt(red, new BlockStmt(NodeList.From(phases)), BufferScope.Local);
        return new ForStmt(row, 0, rows.Total(), rows.Recover(row, perRow), LoopAnnotation.GpuBlock(0));
    }

    private static ForStmt Thread(Var tid, int localSize, Stmt body) =>
        new(tid, 0, localSize, body, LoopAnnotation.GpuThread(0));

    private static BlockStmt Block(params Stmt[] stmts) => new(NodeList.Create<Stmt>(stmts));
}
