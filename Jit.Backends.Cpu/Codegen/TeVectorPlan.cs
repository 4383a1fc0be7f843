using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// Decides whether an innermost loop can run on SIMD vectors, and how. It qualifies when its
/// body is stores and reduction steps whose values use only vectorizable operations on one lane
/// width (float32/int32 or float64/int64; comparisons give masks of that width), every index is
/// affine in the loop variable (so an access's address is <c>addr(0) + i * (addr(1) - addr(0))</c>),
/// and no buffer written in the loop is also read in it (lanes never depend on each other).
/// Stores need a unit stride at run time (checked before the vector part; otherwise the scalar
/// loop runs); a reduction whose target does not move with the loop keeps a vector accumulator.
/// Subexpressions that do not depend on the loop variable are computed once and broadcast.
/// </summary>
internal sealed class TeVectorPlan
{
    /// <summary>How a statement is vectorized.</summary>
    public enum Mode
    {
        /// <summary>Store, or load-combine-store, at a unit-stride target.</summary>
        Contiguous,

        /// <summary>A reduction into a loop-invariant target through a vector accumulator.</summary>
        Accumulate,
    }

    public required Var Index { get; init; }
    public required DType LaneDType { get; init; }
    public required List<(Stmt Stmt, Mode Mode)> Stmts { get; init; }

    /// <summary>Every load whose address moves with the loop (distinct).</summary>
    public required List<LoadExpr> MovingLoads { get; init; }

    private static readonly HashSet<Intrinsic> Float32Calls =
    [
        Intrinsic.Exp, Intrinsic.Log, Intrinsic.Log1p, Intrinsic.Tanh, Intrinsic.Sigmoid, Intrinsic.Erf, Intrinsic.Sin,
        Intrinsic.Cos, Intrinsic.Pow, Intrinsic.Sqrt, Intrinsic.Rsqrt, Intrinsic.Abs, Intrinsic.Floor, Intrinsic.Ceil,
        Intrinsic.Round, Intrinsic.Trunc, Intrinsic.IsNan,
    ];

    private static readonly HashSet<Intrinsic> Float64Calls =
    [
        Intrinsic.Sqrt, Intrinsic.Rsqrt, Intrinsic.Abs, Intrinsic.Floor, Intrinsic.Ceil, Intrinsic.Round, Intrinsic.Trunc, Intrinsic.IsNan,
    ];

    /// <summary>The plan for <paramref name="loop"/>, or null when it runs scalar.</summary>
    public static TeVectorPlan? TryCreate(ForStmt loop, IReadOnlySet<string> localScalars)
    {
        var stmts = new List<Stmt>();
        if (!Flatten(loop.Body, stmts) || stmts.Count == 0) return null;
        var written = new HashSet<string>();
        foreach (var s in stmts) written.Add(s is StoreStmt st ? st.Buffer.Name : ((ReduceStmt)s).Buffer.Name);
        var c = new Checker(loop.Index, written);
        var planned = new List<(Stmt, Mode)>();
        foreach (var s in stmts)
        {
            var (buf, idx, value) = s switch
            {
                StoreStmt st => (st.Buffer, st.Indices, st.Value),
                ReduceStmt r => (r.Buffer, r.Indices, r.Value),
                _ => throw new InvalidOperationException(),
            };
            if (!c.Lane(buf.DType) || value.DType != buf.DType || !c.Value(value)) return null;
            bool moves = idx.Any(c.Depends);
            if (moves && (localScalars.Contains(buf.Name) || !idx.All(c.Affine))) return null;
            if (s is ReduceStmt red)
            {
                if (red.Reducer.Kind is not (ReduceKind.Sum or ReduceKind.Prod or ReduceKind.Max or ReduceKind.Min)) return null;
                planned.Add((s, moves ? Mode.Contiguous : Mode.Accumulate));
            }
            else if (!moves) return null;
            else planned.Add((s, Mode.Contiguous));
        }
        if (c.LaneDType is not { } lane) return null;
        return new TeVectorPlan { Index = loop.Index, LaneDType = lane, Stmts = planned, MovingLoads = c.MovingLoads };
    }

    /// <summary>Whether an expression depends on <paramref name="index"/> (memoized per node).</summary>
    public static Func<Expr, bool> DependsOn(Var index) => new Checker(index, []).Depends;

    private static bool Flatten(Stmt s, List<Stmt> into)
    {
        switch (s)
        {
            case BlockStmt b:
                foreach (var x in b.Stmts)
                {
                    if (!Flatten(x, into)) return false;
                }
                return true;
            case StoreStmt or ReduceStmt:
                into.Add(s);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Element size of a lane dtype, 0 when the dtype has no vector lanes here.</summary>
    public static int LaneBytes(DType t) => t switch
    {
        DType.Float32 or DType.Int32 => 4,
        DType.Float64 or DType.Int64 => 8,
        _ => 0,
    };

    private sealed class Checker(Var index, HashSet<string> written)
    {
        private readonly Dictionary<Expr, bool> _depends = new(ReferenceEqualityComparer.Instance);

        public DType? LaneDType { get; private set; }
        public List<LoadExpr> MovingLoads { get; } = [];

        /// <summary>Whether <paramref name="t"/> has the lane width every vector value in this loop shares.</summary>
        public bool Lane(DType t)
        {
            int bytes = LaneBytes(t);
            if (bytes == 0) return false;
            if (LaneDType is { } l) return LaneBytes(l) == bytes;
            LaneDType = t;
            return true;
        }

        public bool Depends(Expr e)
        {
            if (_depends.TryGetValue(e, out bool d)) return d;
            d = e switch
            {
                Var v => v == index,
                IntImm or FloatImm => false,
                BinaryExpr b => Depends(b.A) | Depends(b.B),
                UnaryExpr u => Depends(u.X),
                CastExpr c => Depends(c.X),
                SelectExpr s => Depends(s.Cond) | Depends(s.IfTrue) | Depends(s.IfFalse),
                CallExpr c => c.Args.Any(Depends),
                LoadExpr l => l.Indices.Any(Depends),
                _ => true,
            };
            _depends[e] = d;
            return d;
        }

        /// <summary>Affine in the loop variable with integer coefficients (possibly runtime values).</summary>
        public bool Affine(Expr e)
        {
            if (!Depends(e)) return true;
            return e switch
            {
                Var => true,
                BinaryExpr { Op: BinaryOp.Add or BinaryOp.Sub } b => Affine(b.A) && Affine(b.B),
                BinaryExpr { Op: BinaryOp.Mul } b => (!Depends(b.A) && Affine(b.B)) || (!Depends(b.B) && Affine(b.A)),
                UnaryExpr { Op: UnaryOp.Neg } u => Affine(u.X),
                _ => false,
            } && e.DType == DType.Int64;
        }

        private bool ReadsWritten(Expr e) => e switch
        {
            LoadExpr l => written.Contains(l.Buffer.Name) || l.Indices.Any(ReadsWritten),
            BinaryExpr b => ReadsWritten(b.A) || ReadsWritten(b.B),
            UnaryExpr u => ReadsWritten(u.X),
            CastExpr c => ReadsWritten(c.X),
            SelectExpr s => ReadsWritten(s.Cond) || ReadsWritten(s.IfTrue) || ReadsWritten(s.IfFalse),
            CallExpr c => c.Args.Any(ReadsWritten),
            _ => false,
        };

        /// <summary>Whether <paramref name="e"/> can be computed on vectors (bool values as masks).</summary>
        public bool Value(Expr e)
        {
            if (ReadsWritten(e)) return false;
            // Invariant: computed once as a scalar and broadcast, so only its dtype matters.
            if (!Depends(e)) return Lane(e.DType);
            switch (e)
            {
                case LoadExpr l:
                    if (!Lane(l.DType) || !l.Indices.All(Affine)) return false;
                    if (!MovingLoads.Contains(l)) MovingLoads.Add(l);
                    return true;
                case BinaryExpr b when BinaryExpr.IsComparison(b.Op):
                    return Operand(b.A) && Operand(b.B);
                case BinaryExpr b when b.DType == DType.Bool:
                    return b.Op is BinaryOp.And or BinaryOp.Or or BinaryOp.Xor && Value(b.A) && Value(b.B) && Depends(b.A) && Depends(b.B);
                case BinaryExpr b:
                {
                    bool fp = b.DType.IsFloatingPoint();
                    bool ok = b.Op switch
                    {
                        BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul or BinaryOp.Min or BinaryOp.Max => true,
                        BinaryOp.Div => fp,
                        BinaryOp.And or BinaryOp.Or or BinaryOp.Xor => !fp,
                        _ => false,
                    };
                    return ok && Operand(b.A) && Operand(b.B);
                }
                case UnaryExpr u when u.DType == DType.Bool:
                    return Value(u.X);
                case UnaryExpr u:
                    return (u.Op == UnaryOp.Neg || !u.DType.IsFloatingPoint()) && Operand(u.X);
                case SelectExpr s:
                    return s.Cond.DType == DType.Bool && Depends(s.Cond) && Value(s.Cond) && Operand(s.IfTrue) && Operand(s.IfFalse);
                case CastExpr c:
                    if (!Lane(c.Target)) return false;
                    if (c.X.DType == DType.Bool) return Value(c.X);
                    return (c.X.DType, c.Target) is (DType.Int32, DType.Float32) or (DType.Int64, DType.Float64) && Operand(c.X);
                case CallExpr c:
                {
                    var t = c.Args[0].DType;
                    bool ok = t == DType.Float32 ? Float32Calls.Contains(c.Fn)
                        : t == DType.Float64 ? Float64Calls.Contains(c.Fn)
                        : c.Fn == Intrinsic.Abs && t is DType.Int32 or DType.Int64;
                    return ok && c.Args.All(Operand);
                }
                default:
                    // The loop variable used as a value (iota-like kernels) stays scalar.
                    return false;
            }
        }

        private bool Operand(Expr e) => e.DType != DType.Bool && Lane(e.DType) && Value(e);
    }
}
