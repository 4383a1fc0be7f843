using Jit.Errors;
using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>
/// Simplifies TE IR, returning the same instance when nothing changes: constant folding (with
/// the evaluator's own scalar semantics), exact algebraic identities (x*1, x/1, x-0, integer x+0
/// and x*0; float x+0 is left alone because -0.0+0.0 is +0.0), int64 index arithmetic normalized
/// to a sorted sum of terms, division and modulo by constants resolved from value ranges
/// (<c>(i*4 + j) / 4</c> is <c>i</c> when 0 &lt;= j &lt; 4), comparisons and min/max decided by
/// ranges, selects and ifs on constants, and loops with zero or one iteration removed or inlined.
/// Ranges come from enclosing loops; kernel params (sizes, strides) are taken to be non-negative.
/// </summary>
public sealed partial class TeSimplifier : TeRewriter
{
    private readonly Dictionary<Var, Interval> _ranges = [];
    private readonly Dictionary<Var, (Expr Start, Expr Stop)> _loops = [];

    private TeSimplifier() { }

    public static Expr Simplify(Expr e) => new TeSimplifier().Rewrite(e);

    public static Stmt Simplify(Stmt s) => new TeSimplifier().Rewrite(s);

    public static TeKernel Simplify(TeKernel kernel)
    {
        var s = new TeSimplifier();
        foreach (var p in kernel.Params) s._ranges[p] = new Interval(0, null);
        return s.Rewrite(kernel);
    }

    // Keep the original instance when a rewrite produced an equal tree.
    private static Expr Keep(Expr original, Expr result) => ReferenceEquals(original, result) || !original.Equals(result) ? result : original;

    protected override Expr RewriteBinary(BinaryExpr e)
    {
        var a = Rewrite(e.A);
        var b = Rewrite(e.B);
        var r = SimplifyBinary(e.Op, a, b) ?? (ReferenceEquals(a, e.A) && ReferenceEquals(b, e.B) ? e : e with { A = a, B = b });
        if (r.DType == DType.Int64 && r is BinaryExpr { Op: BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul } or UnaryExpr { Op: UnaryOp.Neg })
            r = Normalize(r);
        return Keep(e, r);
    }

    protected override Expr RewriteUnary(UnaryExpr e)
    {
        var x = Rewrite(e.X);
        Expr r;
        if (x.IsConstant && TryFold(() => ScalarMath.Unary(e.Op, x.DType, Value(x)), e.DType) is { } folded) r = folded;
        else if (x is UnaryExpr inner && inner.Op == e.Op) r = inner.X;
        else r = ReferenceEquals(x, e.X) ? e : e with { X = x };
        if (r.DType == DType.Int64 && r is UnaryExpr { Op: UnaryOp.Neg }) r = Normalize(r);
        return Keep(e, r);
    }

    protected override Expr RewriteCast(CastExpr e)
    {
        var x = Rewrite(e.X);
        if (x.DType == e.Target) return x;
        if (x.IsConstant && TryFold(() => ScalarMath.Cast(x.DType, e.Target, Value(x)), e.Target) is { } folded) return folded;
        return ReferenceEquals(x, e.X) ? e : e with { X = x };
    }

    protected override Expr RewriteSelect(SelectExpr e)
    {
        var c = Rewrite(e.Cond);
        var t = Rewrite(e.IfTrue);
        var f = Rewrite(e.IfFalse);
        if (c is IntImm ci) return ci.Value != 0 ? t : f;
        if (t.Equals(f)) return t;
        return ReferenceEquals(c, e.Cond) && ReferenceEquals(t, e.IfTrue) && ReferenceEquals(f, e.IfFalse)
            ? e : new SelectExpr(c, t, f);
    }

    protected override Expr RewriteCall(CallExpr e)
    {
        var r = (CallExpr)base.RewriteCall(e);
        if (r.Args.All(a => a.IsConstant))
        {
            var a0 = Value(r.Args[0]);
            var a1 = r.Args.Count > 1 ? Value(r.Args[1]) : default;
            if (TryFold(() => ScalarMath.Call(r.Fn, r.Args[0].DType, a0, a1), r.DType) is { } folded) return folded;
        }
        return r;
    }

    protected override Stmt RewriteFor(ForStmt s)
    {
        var start = Rewrite(s.Start);
        var stop = Rewrite(s.Stop);
        var trip = Rewrite(stop - start);
        var tripRange = Range(trip);
        if (tripRange.Hi is <= 0) return BlockStmt.Empty;
        if (trip is IntImm { Value: 1 })
            return Rewrite(VarSubstituter.Substitute(s.Body, new Dictionary<Var, Expr> { [s.Index] = start }));
        var lo = Range(start).Lo;
        var hi = Range(stop).Hi;
        _ranges[s.Index] = new Interval(lo, hi is null ? null : hi - 1);
        _loops[s.Index] = (start, stop);
        var body = Rewrite(s.Body);
        _ranges.Remove(s.Index);
        _loops.Remove(s.Index);
        if (body is BlockStmt { Stmts.Count: 0 }) return BlockStmt.Empty;
        return ReferenceEquals(start, s.Start) && ReferenceEquals(stop, s.Stop) && ReferenceEquals(body, s.Body)
            ? s : s with { Start = start, Stop = stop, Body = body };
    }

    protected override Stmt RewriteBlock(BlockStmt s)
    {
        var r = (BlockStmt)base.RewriteBlock(s);
        if (!r.Stmts.Any(x => x is BlockStmt)) return r;
        // Nested blocks mean nothing: splice them in (empty ones vanish).
        var flat = new List<Stmt>();
        foreach (var x in r.Stmts)
        {
            if (x is BlockStmt b) flat.AddRange(b.Stmts);
            else flat.Add(x);
        }
        return flat.Count == 0 ? BlockStmt.Empty : new BlockStmt(NodeList.From(flat));
    }

    protected override Stmt RewriteIf(IfStmt s)
    {
        var r = (IfStmt)base.RewriteIf(s);
        if (r.Cond is IntImm c) return c.Value != 0 ? r.Then : r.Else ?? BlockStmt.Empty;
        if (r.Else is BlockStmt { Stmts.Count: 0 }) r = r with { Else = null };
        if (r.Then is BlockStmt { Stmts.Count: 0 } && r.Else is null) return BlockStmt.Empty;
        return r.Equals(s) ? s : r;
    }

    protected override Stmt RewriteAllocate(AllocateStmt s)
    {
        var r = (AllocateStmt)base.RewriteAllocate(s);
        return r.Body is BlockStmt { Stmts.Count: 0 } ? BlockStmt.Empty : r;
    }

    private static Scalar Value(Expr constant) => constant switch
    {
        IntImm i => Scalar.Of(i.Value),
        FloatImm f => Scalar.Of(f.Value),
        _ => throw new ArgumentException("not a constant"),
    };

    private static Expr? TryFold(Func<Scalar> compute, DType dtype)
    {
        try
        {
            var v = compute();
            return dtype.IsFloatingPoint() ? new FloatImm(dtype, v.F) : new IntImm(dtype, v.I);
        }
        catch (JitRuntimeException)
        {
            // Integer division by zero and the like stay in the kernel, to fail when run.
            return null;
        }
    }

    private static bool IsInt(Expr e, long v) => e is IntImm i && i.Value == v && i.DType != DType.Bool;

    private static bool IsFloat(Expr e, double v) => e is FloatImm f && f.Value.Equals(v) && double.IsNegative(f.Value) == double.IsNegative(v);

    private static bool IsZero(Expr e) => IsInt(e, 0) || IsFloat(e, 0.0);

    private static bool IsOne(Expr e) => IsInt(e, 1) || IsFloat(e, 1.0);

    private Expr? SimplifyBinary(BinaryOp op, Expr a, Expr b)
    {
        var t = a.DType;
        if (a.IsConstant && b.IsConstant)
        {
            var rt = BinaryExpr.IsComparison(op) ? DType.Bool : t;
            return TryFold(() => ScalarMath.Binary(op, t, Value(a), Value(b)), rt);
        }
        bool isInt = !t.IsFloatingPoint() && t != DType.Bool;
        switch (op)
        {
            case BinaryOp.Add:
                if (isInt && IsInt(a, 0)) return b;
                if (isInt && IsInt(b, 0)) return a;
                if (IsFloat(b, -0.0)) return a;
                if (IsFloat(a, -0.0)) return b;
                break;
            case BinaryOp.Sub:
                if (IsZero(b)) return a;
                if (isInt && a.Equals(b)) return new IntImm(t, 0);
                break;
            case BinaryOp.Mul:
                if (IsOne(b)) return a;
                if (IsOne(a)) return b;
                if (isInt && (IsInt(a, 0) || IsInt(b, 0))) return new IntImm(t, 0);
                break;
            case BinaryOp.Div:
                if (IsOne(b)) return a;
                if (t == DType.Int64 && b is IntImm { Value: > 0 } d) return DivMod(BinaryOp.Div, a, d.Value);
                break;
            case BinaryOp.Mod:
                if (isInt && (IsInt(b, 1) || IsInt(b, -1))) return new IntImm(t, 0);
                if (t == DType.Int64 && b is IntImm { Value: > 0 } m) return DivMod(BinaryOp.Mod, a, m.Value);
                break;
            case BinaryOp.Min or BinaryOp.Max:
            {
                if (a.Equals(b)) return a;
                if (t != DType.Int64) break;
                var diff = SymbolicRange(Rewrite(a - b));
                bool aFirst = diff.Hi <= 0;
                bool bFirst = diff.Lo >= 0;
                if (aFirst) return op == BinaryOp.Min ? a : b;
                if (bFirst) return op == BinaryOp.Min ? b : a;
                break;
            }
            case BinaryOp.And or BinaryOp.Or:
                if (t == DType.Bool)
                {
                    bool and = op == BinaryOp.And;
                    if (a is IntImm ca) return (ca.Value != 0) == and ? b : ca;
                    if (b is IntImm cb) return (cb.Value != 0) == and ? a : cb;
                }
                if (a.Equals(b)) return a;
                break;
            case BinaryOp.Xor:
                if (IsInt(b, 0) || b is IntImm { DType: DType.Bool, Value: 0 }) return a;
                if (IsInt(a, 0) || a is IntImm { DType: DType.Bool, Value: 0 }) return b;
                break;
            default:
                return CompareByRange(op, a, b);
        }
        return null;
    }

    private Expr? CompareByRange(BinaryOp op, Expr a, Expr b)
    {
        if (a.DType.IsFloatingPoint()) return null;
        if (a.Equals(b)) return Expr.Bool(op is BinaryOp.Eq or BinaryOp.Le or BinaryOp.Ge);
        if (a.DType != DType.Int64) return null;
        var d = SymbolicRange(Rewrite(a - b));
        bool? r = op switch
        {
            BinaryOp.Lt => d.Hi < 0 ? true : d.Lo >= 0 ? false : null,
            BinaryOp.Le => d.Hi <= 0 ? true : d.Lo > 0 ? false : null,
            BinaryOp.Gt => d.Lo > 0 ? true : d.Hi <= 0 ? false : null,
            BinaryOp.Ge => d.Lo >= 0 ? true : d.Hi < 0 ? false : null,
            BinaryOp.Eq => d.Lo > 0 || d.Hi < 0 ? false : null,
            _ => d.Lo > 0 || d.Hi < 0 ? true : null,
        };
        return r is { } v ? Expr.Bool(v) : null;
    }
}
