using Jit.Tensors;

namespace Jit.TensorExpr;

// Index arithmetic: int64 expressions as linear forms (sum of coefficient * atom + constant),
// and value ranges. Int64 index math is taken not to overflow, as in every tensor compiler.
public sealed partial class TeSimplifier
{
    /// <summary>A closed range of values; null bounds are unknown.</summary>
    private readonly record struct Interval(long? Lo, long? Hi)
    {
        public static readonly Interval Unknown = new(null, null);
    }

    private sealed class Linear
    {
        public readonly List<(Expr Atom, long Coef)> Terms = [];
        public long Const;

        public void Add(Expr atom, long coef)
        {
            for (int i = 0; i < Terms.Count; i++)
            {
                if (Terms[i].Atom.Equals(atom))
                {
                    Terms[i] = (atom, checked(Terms[i].Coef + coef));
                    return;
                }
            }
            Terms.Add((atom, coef));
        }
    }

    private static bool Collect(Expr e, long scale, Linear into)
    {
        switch (e)
        {
            case IntImm i:
                into.Const = checked(into.Const + scale * i.Value);
                return true;
            case BinaryExpr { Op: BinaryOp.Add } b:
                return Collect(b.A, scale, into) && Collect(b.B, scale, into);
            case BinaryExpr { Op: BinaryOp.Sub } b:
                return Collect(b.A, scale, into) && Collect(b.B, checked(-scale), into);
            case BinaryExpr { Op: BinaryOp.Mul, B: IntImm c } b:
                return Collect(b.A, checked(scale * c.Value), into);
            case BinaryExpr { Op: BinaryOp.Mul, A: IntImm c } b:
                return Collect(b.B, checked(scale * c.Value), into);
            case UnaryExpr { Op: UnaryOp.Neg } u:
                return Collect(u.X, checked(-scale), into);
            default:
                into.Add(e, scale);
                return true;
        }
    }

    private static Linear? ToLinear(Expr e)
    {
        var lin = new Linear();
        try
        {
            return Collect(e, 1, lin) ? lin : null;
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>
    /// The canonical form: positive terms first, larger coefficients first (the outer loop's
    /// stride leads, as people write it), ties by printed atom, then the constant.
    /// </summary>
    private static Expr Build(IEnumerable<(Expr Atom, long Coef)> terms, long constant)
    {
        var ordered = terms.Where(t => t.Coef != 0)
            .OrderBy(t => t.Coef < 0)
            .ThenByDescending(t => t.Coef == long.MinValue ? long.MaxValue : Math.Abs(t.Coef))
            .ThenBy(t => TePrinter.Print(t.Atom), StringComparer.Ordinal)
            .ToList();
        Expr? acc = null;
        foreach (var (atom, coef) in ordered)
        {
            if (acc is null) acc = coef == 1 ? atom : new BinaryExpr(BinaryOp.Mul, atom, Expr.Int(coef));
            else if (coef > 0) acc = new BinaryExpr(BinaryOp.Add, acc, coef == 1 ? atom : new BinaryExpr(BinaryOp.Mul, atom, Expr.Int(coef)));
            else acc = new BinaryExpr(BinaryOp.Sub, acc, coef == -1 ? atom : new BinaryExpr(BinaryOp.Mul, atom, Expr.Int(-coef)));
        }
        if (acc is null) return Expr.Int(constant);
        if (constant > 0 || constant == long.MinValue) return new BinaryExpr(BinaryOp.Add, acc, Expr.Int(constant));
        if (constant < 0) return new BinaryExpr(BinaryOp.Sub, acc, Expr.Int(-constant));
        return acc;
    }

    private static Expr Normalize(Expr e) => ToLinear(e) is { } lin ? Build(lin.Terms, lin.Const) : e;

    private static long FloorDiv(long a, long b) => a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);

    /// <summary>
    /// <c>x / c</c> or <c>x % c</c> for a positive constant: with x = c*Q + R, where R takes the
    /// terms whose coefficients c does not divide, the result is Q (or R) when R stays in
    /// [0, c) and Q is non-negative (so truncation is floor division).
    /// </summary>
    private Expr? DivMod(BinaryOp op, Expr x, long c)
    {
        var rx = Range(x);
        if (rx.Lo >= 0 && rx.Hi < c) return op == BinaryOp.Div ? Expr.Int(0) : x;
        if (rx.Lo >= 0 && x is BinaryExpr { B: IntImm { Value: > 0 } inner } nested)
        {
            // (y / a) / c == y / (a*c) and (y % a) % c == y % c when c divides a, for y >= 0.
            if (op == BinaryOp.Div && nested.Op == BinaryOp.Div && Range(nested.A).Lo >= 0 && TryMul(inner.Value, c) is { } ac)
                return Rewrite(new BinaryExpr(BinaryOp.Div, nested.A, Expr.Int(ac)));
            if (op == BinaryOp.Mod && nested.Op == BinaryOp.Mod && inner.Value % c == 0 && Range(nested.A).Lo >= 0)
                return Rewrite(new BinaryExpr(BinaryOp.Mod, nested.A, Expr.Int(c)));
        }
        if (ToLinear(x) is not { } lin) return null;
        var q = new List<(Expr, long)>();
        var r = new List<(Expr, long)>();
        foreach (var (atom, coef) in lin.Terms)
        {
            if (coef % c == 0) q.Add((atom, coef / c));
            else r.Add((atom, coef));
        }
        long q0 = FloorDiv(lin.Const, c);
        long r0 = lin.Const - q0 * c;
        if (q.Count == 0 && q0 == 0) return null;
        var qe = Build(q, q0);
        var re = Build(r, r0);
        var rq = Range(qe);
        var rr = Range(re);
        if (rq.Lo >= 0 && rr.Lo >= 0 && rr.Hi < c) return op == BinaryOp.Div ? qe : re;
        return null;
    }

    private static long? TryMul(long a, long b)
    {
        try { return checked(a * b); }
        catch (OverflowException) { return null; }
    }

    private static long? Add(long? a, long? b)
    {
        if (a is null || b is null) return null;
        try { return checked(a.Value + b.Value); }
        catch (OverflowException) { return null; }
    }

    private static long? Neg(long? a) => a is null || a == long.MinValue ? null : -a;

    /// <summary>
    /// The range of an int64 expression, also trying each enclosing loop index at its symbolic
    /// extremes (start, stop - 1): that proves <c>i &lt; n</c> inside <c>for i in [0, n)</c>.
    /// </summary>
    private Interval SymbolicRange(Expr e)
    {
        var r = Range(e);
        if ((r.Lo is not null && r.Hi is not null) || ToLinear(e) is not { } lin) return r;
        if (!lin.Terms.Any(t => t.Atom is Var v && _loops.ContainsKey(v))) return r;
        Expr Extreme(bool upper)
        {
            var map = new Dictionary<Var, Expr>();
            foreach (var (atom, coef) in lin.Terms)
            {
                if (atom is Var v && _loops.TryGetValue(v, out var b))
                    map[v] = (coef > 0) == upper ? b.Stop - 1 : b.Start;
            }
            return Rewrite(VarSubstituter.Substitute(Build(lin.Terms, lin.Const), map));
        }
        return new Interval(r.Lo ?? Range(Extreme(false)).Lo, r.Hi ?? Range(Extreme(true)).Hi);
    }

    /// <summary>The range of an int64 expression from constants, loop bounds and non-negative params.</summary>
    private Interval Range(Expr e)
    {
        if (e.DType != DType.Int64) return Interval.Unknown;
        switch (e)
        {
            case IntImm i:
                return new Interval(i.Value, i.Value);
            case Var v:
                return _ranges.TryGetValue(v, out var r) ? r : Interval.Unknown;
            case UnaryExpr { Op: UnaryOp.Neg } u:
            {
                var x = Range(u.X);
                return new Interval(Neg(x.Hi), Neg(x.Lo));
            }
            case BinaryExpr b:
                return BinaryRange(b);
            case SelectExpr s:
            {
                Interval t = Range(s.IfTrue), f = Range(s.IfFalse);
                return new Interval(t.Lo is null || f.Lo is null ? null : Math.Min(t.Lo.Value, f.Lo.Value),
                    t.Hi is null || f.Hi is null ? null : Math.Max(t.Hi.Value, f.Hi.Value));
            }
            case CastExpr c when c.X.DType.IsIntegral(includeBool: true):
                return new Interval(ScalarMath.MinValue(c.X.DType), ScalarMath.MaxValue(c.X.DType));
            default:
                return Interval.Unknown;
        }
    }

    private Interval BinaryRange(BinaryExpr b)
    {
        Interval x = Range(b.A), y = Range(b.B);
        switch (b.Op)
        {
            case BinaryOp.Add:
                return new Interval(Add(x.Lo, y.Lo), Add(x.Hi, y.Hi));
            case BinaryOp.Sub:
                return new Interval(Add(x.Lo, Neg(y.Hi)), Add(x.Hi, Neg(y.Lo)));
            case BinaryOp.Mul:
                return MulRange(x, y);
            case BinaryOp.Div when b.B is IntImm { Value: > 0 } c:
                // Truncating division by a positive constant is monotone.
                return new Interval(x.Lo / c.Value, x.Hi / c.Value);
            case BinaryOp.Mod when b.B is IntImm { Value: > 0 } c:
                return x.Lo >= 0
                    ? new Interval(0, x.Hi is { } h ? Math.Min(h, c.Value - 1) : c.Value - 1)
                    : new Interval(-(c.Value - 1), c.Value - 1);
            case BinaryOp.Min:
                return new Interval(x.Lo is null || y.Lo is null ? null : Math.Min(x.Lo.Value, y.Lo.Value),
                    x.Hi is null ? y.Hi : y.Hi is null ? x.Hi : Math.Min(x.Hi.Value, y.Hi.Value));
            case BinaryOp.Max:
                return new Interval(x.Lo is null ? y.Lo : y.Lo is null ? x.Lo : Math.Max(x.Lo.Value, y.Lo.Value),
                    x.Hi is null || y.Hi is null ? null : Math.Max(x.Hi.Value, y.Hi.Value));
            default:
                return Interval.Unknown;
        }
    }

    private static Interval MulRange(Interval x, Interval y)
    {
        if (x.Lo is { } a && x.Hi is { } b && y.Lo is { } c && y.Hi is { } d)
        {
            long?[] p = [TryMul(a, c), TryMul(a, d), TryMul(b, c), TryMul(b, d)];
            if (p.Any(v => v is null)) return Interval.Unknown;
            return new Interval(p.Min(), p.Max());
        }
        // Both non-negative with an unknown upper bound (a size times a stride).
        if (x.Lo >= 0 && y.Lo >= 0)
            return new Interval(TryMul(x.Lo!.Value, y.Lo!.Value), x.Hi is null || y.Hi is null ? null : TryMul(x.Hi.Value, y.Hi.Value));
        return Interval.Unknown;
    }
}
