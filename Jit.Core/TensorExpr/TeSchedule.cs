using Jit.Errors;

namespace Jit.TensorExpr;

/// <summary>
/// Schedule transformations: each takes a kernel and a loop (named by its index var) and returns
/// a new kernel computing the same values; the input kernel is never changed. Splits and
/// reorders change the loop structure; the annotations (vectorize, parallel, unroll, GPU
/// block/thread binding) only tell backends how to run a loop.
/// </summary>
public static class TeSchedule
{
    /// <summary>Sets the annotation of the loop over <paramref name="loop"/>.</summary>
    public static TeKernel Annotate(TeKernel kernel, Var loop, LoopAnnotation annotation) =>
        ReplaceLoop(kernel, loop, f => f with { Annotation = annotation });

    public static TeKernel Vectorize(TeKernel kernel, Var loop, int width) => Annotate(kernel, loop, LoopAnnotation.Vectorize(width));

    public static TeKernel Parallel(TeKernel kernel, Var loop) => Annotate(kernel, loop, LoopAnnotation.Parallel);

    public static TeKernel Unroll(TeKernel kernel, Var loop, int factor) => Annotate(kernel, loop, LoopAnnotation.Unroll(factor));

    /// <summary>Runs the loop's iterations as GPU blocks along <paramref name="axis"/> (0 = x).</summary>
    public static TeKernel BindGpuBlock(TeKernel kernel, Var loop, int axis) => Annotate(kernel, loop, LoopAnnotation.GpuBlock(axis));

    /// <summary>Runs the loop's iterations as GPU threads of a block along <paramref name="axis"/> (0 = x).</summary>
    public static TeKernel BindGpuThread(TeKernel kernel, Var loop, int axis) => Annotate(kernel, loop, LoopAnnotation.GpuThread(axis));

    /// <summary>
    /// Splits <c>for i in [s, e)</c> into <c>for o in [0, (e-s)/f) for in in [0, f)</c> with
    /// <c>i = s + o*f + in</c>, followed by a tail loop over the remaining <c>(e-s) % f</c>
    /// iterations (removed when the trip count is a known multiple of f). The outer loop keeps
    /// the original annotation.
    /// </summary>
    public static SplitResult SplitWithTail(TeKernel kernel, Var loop, long factor)
    {
        CheckFactor(factor);
        var names = UsedNames(kernel);
        var outer = Fresh(loop, "outer", names);
        var inner = Fresh(loop, "inner", names);
        var tail = Fresh(loop, "tail", names);
        bool tailKept = false;
        var result = ReplaceLoop(kernel, loop, f =>
        {
            var n = f.Stop - f.Start;
            var mainIndex = f.Start + outer * Expr.Int(factor) + inner;
            var main = new ForStmt(outer, 0, n / Expr.Int(factor),
                new ForStmt(inner, 0, factor, Substitute(f.Body, f.Index, mainIndex)), f.Annotation);
            var tailStart = f.Start + n / Expr.Int(factor) * Expr.Int(factor);
            var rest = TeSimplifier.Simplify(new ForStmt(tail, tailStart, f.Stop, Substitute(f.Body, f.Index, tail)));
            tailKept = rest is not BlockStmt { Stmts.Count: 0 };
            return TeSimplifier.Simplify(new BlockStmt([main, rest]));
        });
        return new SplitResult(result, outer, inner, tailKept ? tail : null);
    }

    /// <summary>
    /// Splits <c>for i in [s, e)</c> into <c>for o in [0, ceil((e-s)/f)) for in in [0, f)</c>
    /// guarded by <c>if (o*f + in &lt; e - s)</c>: no tail loop, as GPU kernels prefer.
    /// </summary>
    public static SplitResult SplitWithMask(TeKernel kernel, Var loop, long factor)
    {
        CheckFactor(factor);
        var names = UsedNames(kernel);
        var outer = Fresh(loop, "outer", names);
        var inner = Fresh(loop, "inner", names);
        var result = ReplaceLoop(kernel, loop, f =>
        {
            var n = f.Stop - f.Start;
            var offset = outer * Expr.Int(factor) + inner;
            Stmt body = new IfStmt(Expr.Lt(offset, n), Substitute(f.Body, f.Index, f.Start + offset));
            var s = new ForStmt(outer, 0, (n + Expr.Int(factor - 1)) / Expr.Int(factor),
                new ForStmt(inner, 0, factor, body), f.Annotation);
            return TeSimplifier.Simplify(s);
        });
        return new SplitResult(result, outer, inner, null);
    }

    /// <summary>
    /// Reorders a perfect nest of loops (each loop's body is exactly the next loop) so that
    /// <paramref name="order"/>[0] is outermost. Loop bounds must not depend on each other.
    /// </summary>
    public static TeKernel Reorder(TeKernel kernel, params Var[] order)
    {
        if (order.Length < 2) return kernel;
        var set = order.ToHashSet();
        var outermost = new LoopFinder(set).Find(kernel.Body)
            ?? throw new JitIrException($"reorder: no loop over {string.Join(", ", order.Select(v => v.Name))} in kernel {kernel.Name}");
        var loops = new Dictionary<Var, ForStmt>();
        Stmt cur = outermost;
        while (loops.Count < order.Length)
        {
            if (Unwrap(cur) is not ForStmt f || !set.Contains(f.Index))
                throw new JitIrException($"reorder: loops {string.Join(", ", order.Select(v => v.Name))} are not perfectly nested");
            loops[f.Index] = f;
            cur = f.Body;
        }
        foreach (var f in loops.Values)
        {
            if (Mentions(f.Start, set) || Mentions(f.Stop, set))
                throw new JitIrException($"reorder: bounds of loop {f.Index.Name} depend on another reordered loop");
        }
        var body = cur;
        for (int k = order.Length - 1; k >= 0; k--)
        {
            var f = loops[order[k]];
            body = f with { Body = body };
        }
        return ReplaceLoop(kernel, outermost.Index, _ => body);
    }

    private static Stmt Unwrap(Stmt s) => s is BlockStmt { Stmts.Count: 1 } b ? Unwrap(b.Stmts[0]) : s;

    private static void CheckFactor(long factor)
    {
        if (factor < 1) throw new ArgumentOutOfRangeException(nameof(factor), factor, "split factor must be positive");
    }

    private static Stmt Substitute(Stmt body, Var v, Expr e) => VarSubstituter.Substitute(body, new Dictionary<Var, Expr> { [v] = e });

    private static TeKernel ReplaceLoop(TeKernel kernel, Var loop, Func<ForStmt, Stmt> replace)
    {
        var r = new LoopReplacer(loop, replace);
        var result = r.Rewrite(kernel);
        if (!r.Found) throw new JitIrException($"kernel {kernel.Name} has no loop over {loop.Name}");
        return result;
    }

    private static Var Fresh(Var loop, string suffix, HashSet<string> used)
    {
        string name = $"{loop.Name}_{suffix}";
        for (int k = 1; !used.Add(name); k++) name = $"{loop.Name}_{suffix}{k}";
        return new Var(name, loop.VarType);
    }

    private static HashSet<string> UsedNames(TeKernel kernel)
    {
        var c = new NameCollector();
        c.Visit(kernel);
        foreach (var p in kernel.Params) c.Names.Add(p.Name);
        return c.Names;
    }

    private static bool Mentions(Expr e, HashSet<Var> vars)
    {
        var c = new NameCollector();
        c.Visit(e);
        return vars.Any(v => c.Names.Contains(v.Name));
    }

    private sealed class NameCollector : TeVisitor
    {
        public readonly HashSet<string> Names = [];

        protected override void VisitVar(Var e) => Names.Add(e.Name);

        protected override void VisitFor(ForStmt s)
        {
            Names.Add(s.Index.Name);
            base.VisitFor(s);
        }
    }

    private sealed class LoopFinder(HashSet<Var> vars) : TeVisitor
    {
        private ForStmt? _found;

        public ForStmt? Find(Stmt s)
        {
            Visit(s);
            return _found;
        }

        protected override void VisitFor(ForStmt s)
        {
            if (_found is not null) return;
            if (vars.Contains(s.Index)) _found = s;
            else base.VisitFor(s);
        }
    }

    private sealed class LoopReplacer(Var loop, Func<ForStmt, Stmt> replace) : TeRewriter
    {
        public bool Found { get; private set; }

        protected override Stmt RewriteFor(ForStmt s)
        {
            if (!s.Index.Equals(loop)) return base.RewriteFor(s);
            Found = true;
            return replace(s);
        }
    }
}
