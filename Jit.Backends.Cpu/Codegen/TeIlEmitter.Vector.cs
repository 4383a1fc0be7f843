using System.Reflection.Emit;
using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Codegen;

// The vectorized innermost loop (see TeVectorPlan). Emitted in front of the scalar loop, which
// then runs the remaining iterations (the tail, or the whole loop when the run-time stride
// check fails):
//
//   if (stop - start >= lanes && every moving access has a unit stride) {
//       hoist invariant subexpressions (broadcast), start vector accumulators
//       for (i = start; i + lanes <= stop; i += lanes) vector body
//       fold each accumulator horizontally into its target
//   } else i = start
//   for (; i < stop; i++) scalar body
//
// Float sums therefore add lane-strided partial sums (element j goes to lane j % lanes), fold
// the lanes pairwise, then add the tail in order: a different order from the evaluator's
// sequential sum, within 1e-6 relative for well-conditioned float32 data.
internal sealed partial class TeIlEmitter
{
    private sealed class VectorState(VectorIl vec, LocalBuilder index, Dictionary<Expr, LocalBuilder> bases, Dictionary<Expr, LocalBuilder> invariants)
    {
        public VectorIl Vec { get; } = vec;
        public LocalBuilder Index { get; } = index;
        public Dictionary<Expr, LocalBuilder> Bases { get; } = bases;
        public Dictionary<Expr, LocalBuilder> Invariants { get; } = invariants;

        /// <summary>How often each distinct loop-dependent subexpression occurs (counted once per distinct parent).</summary>
        public Dictionary<Expr, int> Uses { get; } = [];

        /// <summary>Repeated subexpressions already computed in this iteration, and the local holding them.</summary>
        public Dictionary<Expr, (LocalBuilder Local, Type Lane)> Shared { get; } = [];
    }

    private void EmitVectorPrefix(TeVectorPlan plan, ForStmt f, LocalBuilder i, LocalBuilder start, LocalBuilder stop)
    {
        var vec = new VectorIl(_vectorBits);
        int lanes = vec.Lanes(ClrStackType(plan.LaneDType));
        int esize = TeVectorPlan.LaneBytes(plan.LaneDType);
        var scalarInit = _il.DefineLabel();
        var tail = _il.DefineLabel();

        _il.Emit(OpCodes.Ldloc, stop);
        _il.Emit(OpCodes.Ldloc, start);
        _il.Emit(OpCodes.Sub);
        _il.Emit(OpCodes.Ldc_I8, (long)lanes);
        _il.Emit(OpCodes.Blt, scalarInit);

        // Moving accesses: address at i = 0, and the run-time check that i = 1 is one element on.
        var accesses = new List<(TeBuffer Buffer, NodeList<Expr> Indices, Expr Key)>();
        foreach (var l in plan.MovingLoads) accesses.Add((l.Buffer, l.Indices, l));
        foreach (var (s, mode) in plan.Stmts)
        {
            if (mode == TeVectorPlan.Mode.Contiguous && s is StoreStmt st) accesses.Add((st.Buffer, st.Indices, st.Buffer.Load(st.Indices)));
            else if (mode == TeVectorPlan.Mode.Contiguous && s is ReduceStmt r) accesses.Add((r.Buffer, r.Indices, r.Buffer.Load(r.Indices)));
        }
        var bases = new Dictionary<Expr, LocalBuilder>();
        _il.Emit(OpCodes.Ldc_I8, 0L);
        _il.Emit(OpCodes.Stloc, i);
        foreach (var a in accesses)
        {
            if (bases.ContainsKey(a.Key)) continue;
            var local = _il.DeclareLocal(typeof(byte*));
            EmitAddress(a.Buffer, a.Indices);
            _il.Emit(OpCodes.Stloc, local);
            bases[a.Key] = local;
        }
        _il.Emit(OpCodes.Ldc_I8, 1L);
        _il.Emit(OpCodes.Stloc, i);
        foreach (var (key, local) in bases)
        {
            var (buffer, indices) = key is LoadExpr l ? (l.Buffer, l.Indices) : throw new InvalidOperationException();
            EmitAddress(buffer, indices);
            _il.Emit(OpCodes.Ldloc, local);
            _il.Emit(OpCodes.Sub);
            _il.Emit(OpCodes.Ldc_I4, esize);
            _il.Emit(OpCodes.Conv_I);
            _il.Emit(OpCodes.Bne_Un, scalarInit);
        }
        _il.Emit(OpCodes.Ldloc, start);
        _il.Emit(OpCodes.Stloc, i);

        var state = new VectorState(vec, i, bases, new Dictionary<Expr, LocalBuilder>());
        var checker = TeVectorPlan.DependsOn(plan.Index);
        foreach (var (s, _) in plan.Stmts)
        {
            var value = s is StoreStmt st ? st.Value : ((ReduceStmt)s).Value;
            Hoist(state, checker, value);
            CountUses(state, checker, value);
        }
        var accumulators = new Dictionary<ReduceStmt, LocalBuilder>();
        foreach (var (s, mode) in plan.Stmts)
        {
            if (mode != TeVectorPlan.Mode.Accumulate) continue;
            var r = (ReduceStmt)s;
            var rt = ClrStackType(r.Buffer.DType);
            var acc = _il.DeclareLocal(vec.VectorOf(rt));
            EmitExpr(r.Reducer.Init(r.Buffer.DType));
            _il.Emit(OpCodes.Call, vec.Splat(rt));
            _il.Emit(OpCodes.Stloc, acc);
            accumulators[r] = acc;
        }

        var cond = _il.DefineLabel();
        var body = _il.DefineLabel();
        var done = _il.DefineLabel();
        _il.Emit(OpCodes.Br, cond);
        _il.MarkLabel(body);
        EmitVectorBody(plan, state, checker, accumulators, i, esize);
        _il.Emit(OpCodes.Ldloc, i);
        _il.Emit(OpCodes.Ldc_I8, (long)lanes);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Stloc, i);
        _il.MarkLabel(cond);
        _il.Emit(OpCodes.Ldloc, i);
        _il.Emit(OpCodes.Ldc_I8, (long)lanes);
        _il.Emit(OpCodes.Add);
        _il.Emit(OpCodes.Ldloc, stop);
        _il.Emit(OpCodes.Ble, body);
        _il.MarkLabel(done);

        // A store-only loop finishes with one more vector ending exactly at stop, overlapping
        // elements already written with the same values (no scalar tail), unless an output
        // shares storage with an input (then recomputing could read a written element).
        if (accumulators.Count == 0 && plan.Stmts.All(p => p.Stmt is StoreStmt))
        {
            _il.Emit(OpCodes.Ldloc, i);
            _il.Emit(OpCodes.Ldloc, stop);
            _il.Emit(OpCodes.Bge, tail);
            _il.Emit(OpCodes.Ldarg_2);
            _il.Emit(OpCodes.Callvirt, typeof(TeRunContext).GetProperty(nameof(TeRunContext.OverlapTail))!.GetMethod!);
            _il.Emit(OpCodes.Brfalse, tail);
            _il.Emit(OpCodes.Ldloc, stop);
            _il.Emit(OpCodes.Ldc_I8, (long)lanes);
            _il.Emit(OpCodes.Sub);
            _il.Emit(OpCodes.Stloc, i);
            EmitVectorBody(plan, state, checker, accumulators, i, esize);
            _il.Emit(OpCodes.Ldloc, stop);
            _il.Emit(OpCodes.Stloc, i);
        }

        foreach (var (r, acc) in accumulators)
        {
            string kind = r.Reducer.Kind switch { ReduceKind.Sum => "Sum", ReduceKind.Prod => "Prod", ReduceKind.Max => "Max", _ => "Min" };
            var rt = ClrStackType(r.Buffer.DType);
            var folded = _il.DeclareLocal(rt);
            _il.Emit(OpCodes.Ldloc, acc);
            _il.Emit(OpCodes.Call, vec.Horizontal(kind, rt));
            _il.Emit(OpCodes.Stloc, folded);
            EmitReduce(r, () => _il.Emit(OpCodes.Ldloc, folded));
        }
        _il.Emit(OpCodes.Br, tail);
        _il.MarkLabel(scalarInit);
        _il.Emit(OpCodes.Ldloc, start);
        _il.Emit(OpCodes.Stloc, i);
        _il.MarkLabel(tail);
    }

    private void EmitVectorBody(TeVectorPlan plan, VectorState state, Func<Expr, bool> checker,
        Dictionary<ReduceStmt, LocalBuilder> accumulators, LocalBuilder i, int esize)
    {
        var vec = state.Vec;
        // Repeated subexpressions are computed at their first use in this copy of the body.
        state.Shared.Clear();
        foreach (var (s, mode) in plan.Stmts)
        {
            if (s is StoreStmt st)
            {
                EmitVector(state, checker, st.Value);
                EmitMovingAddress(state, st.Buffer.Load(st.Indices), i, esize);
                _il.Emit(OpCodes.Call, vec.Store(ClrStackType(st.Buffer.DType)));
                continue;
            }
            var r = (ReduceStmt)s;
            var rt = ClrStackType(r.Buffer.DType);
            if (mode == TeVectorPlan.Mode.Accumulate)
            {
                _il.Emit(OpCodes.Ldloc, accumulators[r]);
                EmitVector(state, checker, r.Value);
                EmitVectorCombine(vec, r.Reducer.Kind, rt);
                _il.Emit(OpCodes.Stloc, accumulators[r]);
            }
            else
            {
                var target = r.Buffer.Load(r.Indices);
                EmitMovingAddress(state, target, i, esize);
                _il.Emit(OpCodes.Call, vec.Load(rt));
                EmitVector(state, checker, r.Value);
                EmitVectorCombine(vec, r.Reducer.Kind, rt);
                EmitMovingAddress(state, target, i, esize);
                _il.Emit(OpCodes.Call, vec.Store(rt));
            }
        }
    }

    /// <summary>base + i * elementSize for a unit-stride access.</summary>
    private void EmitMovingAddress(VectorState state, Expr key, LocalBuilder i, int esize)
    {
        _il.Emit(OpCodes.Ldloc, state.Bases[key]);
        _il.Emit(OpCodes.Ldloc, i);
        _il.Emit(OpCodes.Ldc_I8, (long)esize);
        _il.Emit(OpCodes.Mul);
        _il.Emit(OpCodes.Conv_I);
        _il.Emit(OpCodes.Add);
    }

    /// <summary>Computes every maximal loop-invariant subexpression once, broadcast into a vector local.</summary>
    private void Hoist(VectorState state, Func<Expr, bool> depends, Expr e)
    {
        if (!depends(e))
        {
            if (state.Invariants.ContainsKey(e)) return;
            var local = _il.DeclareLocal(state.Vec.VectorOf(ClrStackType(e.DType)));
            EmitExpr(e);
            _il.Emit(OpCodes.Call, state.Vec.Splat(ClrStackType(e.DType)));
            _il.Emit(OpCodes.Stloc, local);
            state.Invariants[e] = local;
            return;
        }
        switch (e)
        {
            case BinaryExpr b: Hoist(state, depends, b.A); Hoist(state, depends, b.B); break;
            case UnaryExpr u: Hoist(state, depends, u.X); break;
            case CastExpr c: Hoist(state, depends, c.X); break;
            case SelectExpr s: Hoist(state, depends, s.Cond); Hoist(state, depends, s.IfTrue); Hoist(state, depends, s.IfFalse); break;
            case CallExpr c: foreach (var a in c.Args) Hoist(state, depends, a); break;
        }
    }

    /// <summary>
    /// Counts repeated loop-dependent subexpressions: a lowered chain refers to an intermediate
    /// (say <c>a = tanh(x) * sigmoid(y)</c>) from several places, and each use would otherwise
    /// recompute it. Computed once per iteration at its first use (vector code has no branches,
    /// so the first use always runs first).
    /// </summary>
    private static void CountUses(VectorState state, Func<Expr, bool> depends, Expr e)
    {
        if (!depends(e)) return;
        state.Uses[e] = state.Uses.GetValueOrDefault(e) + 1;
        if (state.Uses[e] > 1) return;
        switch (e)
        {
            case BinaryExpr b: CountUses(state, depends, b.A); CountUses(state, depends, b.B); break;
            case UnaryExpr u: CountUses(state, depends, u.X); break;
            case CastExpr c: CountUses(state, depends, c.X); break;
            case SelectExpr s: CountUses(state, depends, s.Cond); CountUses(state, depends, s.IfTrue); CountUses(state, depends, s.IfFalse); break;
            case CallExpr c: foreach (var a in c.Args) CountUses(state, depends, a); break;
        }
    }

    /// <summary>acc (below) combined with the vector on top, lane by lane.</summary>
    private void EmitVectorCombine(VectorIl vec, ReduceKind kind, Type lane) =>
        _il.Emit(OpCodes.Call, vec.Generic(kind switch
        {
            ReduceKind.Sum => "Add",
            ReduceKind.Prod => "Multiply",
            ReduceKind.Max => "Max",
            _ => "Min",
        }, lane, 2));

    /// <summary>Pushes <paramref name="e"/> as a vector; returns its lane type (a mask's for bool values).</summary>
    private Type EmitVector(VectorState state, Func<Expr, bool> depends, Expr e)
    {
        if (!depends(e))
        {
            _il.Emit(OpCodes.Ldloc, state.Invariants[e]);
            return ClrStackType(e.DType);
        }
        if (state.Shared.TryGetValue(e, out var shared))
        {
            _il.Emit(OpCodes.Ldloc, shared.Local);
            return shared.Lane;
        }
        var lane = EmitVectorNode(state, depends, e);
        if (state.Uses.GetValueOrDefault(e) > 1 && e is not LoadExpr)
        {
            var local = _il.DeclareLocal(state.Vec.VectorOf(lane));
            _il.Emit(OpCodes.Dup);
            _il.Emit(OpCodes.Stloc, local);
            state.Shared[e] = (local, lane);
        }
        return lane;
    }

    private Type EmitVectorNode(VectorState state, Func<Expr, bool> depends, Expr e)
    {
        var vec = state.Vec;
        switch (e)
        {
            case LoadExpr l:
            {
                var t = ClrStackType(l.DType);
                _il.Emit(OpCodes.Ldloc, state.Bases[l]);
                _il.Emit(OpCodes.Ldloc, state.Index);
                _il.Emit(OpCodes.Ldc_I8, (long)l.DType.ElementSize());
                _il.Emit(OpCodes.Mul);
                _il.Emit(OpCodes.Conv_I);
                _il.Emit(OpCodes.Add);
                _il.Emit(OpCodes.Call, vec.Load(t));
                return t;
            }
            case BinaryExpr b when BinaryExpr.IsComparison(b.Op):
            {
                var t = EmitVector(state, depends, b.A);
                EmitVector(state, depends, b.B);
                string name = b.Op switch
                {
                    BinaryOp.Eq or BinaryOp.Ne => "Equals",
                    BinaryOp.Lt => "LessThan",
                    BinaryOp.Le => "LessThanOrEqual",
                    BinaryOp.Gt => "GreaterThan",
                    _ => "GreaterThanOrEqual",
                };
                _il.Emit(OpCodes.Call, vec.Generic(name, t, 2));
                if (b.Op == BinaryOp.Ne) _il.Emit(OpCodes.Call, vec.Generic("OnesComplement", t, 1));
                return t;
            }
            case BinaryExpr b:
            {
                var t = EmitVector(state, depends, b.A);
                var tb = EmitVector(state, depends, b.B);
                if (tb != t) _il.Emit(OpCodes.Call, vec.As(tb, t));
                string name = b.Op switch
                {
                    BinaryOp.Add => "Add",
                    BinaryOp.Sub => "Subtract",
                    BinaryOp.Mul => "Multiply",
                    BinaryOp.Div => "Divide",
                    BinaryOp.Min => "Min",
                    BinaryOp.Max => "Max",
                    BinaryOp.And => "BitwiseAnd",
                    BinaryOp.Or => "BitwiseOr",
                    _ => "Xor",
                };
                _il.Emit(OpCodes.Call, vec.Generic(name, t, 2));
                return t;
            }
            case UnaryExpr u:
            {
                var t = EmitVector(state, depends, u.X);
                _il.Emit(OpCodes.Call, vec.Generic(u.Op == UnaryOp.Neg ? "Negate" : "OnesComplement", t, 1));
                return t;
            }
            case SelectExpr s:
            {
                var tm = EmitVector(state, depends, s.Cond);
                var t = ClrStackType(s.DType);
                if (tm != t) _il.Emit(OpCodes.Call, vec.As(tm, t));
                EmitVector(state, depends, s.IfTrue);
                EmitVector(state, depends, s.IfFalse);
                _il.Emit(OpCodes.Call, vec.Generic("ConditionalSelect", t, 3));
                return t;
            }
            case CastExpr c:
            {
                var t = ClrStackType(c.Target);
                if (c.X.DType == DType.Bool)
                {
                    // mask ? 1 : 0
                    var tm = EmitVector(state, depends, c.X);
                    if (tm != t) _il.Emit(OpCodes.Call, vec.As(tm, t));
                    EmitExpr(Expr.Const(1, c.Target));
                    _il.Emit(OpCodes.Call, vec.Splat(t));
                    EmitExpr(Expr.Const(0, c.Target));
                    _il.Emit(OpCodes.Call, vec.Splat(t));
                    _il.Emit(OpCodes.Call, vec.Generic("ConditionalSelect", t, 3));
                    return t;
                }
                var from = EmitVector(state, depends, c.X);
                _il.Emit(OpCodes.Call, vec.Exact(t == typeof(float) ? "ConvertToSingle" : "ConvertToDouble", from));
                return t;
            }
            case CallExpr c:
                return EmitVectorCall(state, depends, c);
            default:
                throw new JitRuntimeException($"cannot vectorize {e}");
        }
    }

    private Type EmitVectorCall(VectorState state, Func<Expr, bool> depends, CallExpr c)
    {
        var vec = state.Vec;
        var t = ClrStackType(c.Args[0].DType);
        var x = EmitVector(state, depends, c.Args[0]);
        switch (c.Fn)
        {
            case Intrinsic.IsNan:
                // x == x is false only in NaN lanes.
                _il.Emit(OpCodes.Dup);
                _il.Emit(OpCodes.Call, vec.Generic("Equals", x, 2));
                _il.Emit(OpCodes.Call, vec.Generic("OnesComplement", x, 1));
                return x;
            case Intrinsic.Abs: _il.Emit(OpCodes.Call, vec.Generic("Abs", t, 1)); return t;
            case Intrinsic.Sqrt: _il.Emit(OpCodes.Call, vec.Generic("Sqrt", t, 1)); return t;
            case Intrinsic.Rsqrt:
            {
                var tmp = _il.DeclareLocal(vec.VectorOf(t));
                _il.Emit(OpCodes.Call, vec.Generic("Sqrt", t, 1));
                _il.Emit(OpCodes.Stloc, tmp);
                EmitExpr(Expr.Const(1, c.DType));
                _il.Emit(OpCodes.Call, vec.Splat(t));
                _il.Emit(OpCodes.Ldloc, tmp);
                _il.Emit(OpCodes.Call, vec.Generic("Divide", t, 2));
                return t;
            }
            case Intrinsic.Floor: _il.Emit(OpCodes.Call, vec.Exact("Floor", t)); return t;
            case Intrinsic.Ceil: _il.Emit(OpCodes.Call, vec.Exact("Ceiling", t)); return t;
            case Intrinsic.Round: _il.Emit(OpCodes.Call, vec.Exact("Round", t)); return t;
            case Intrinsic.Trunc: _il.Emit(OpCodes.Call, vec.Exact("Truncate", t)); return t;
            case Intrinsic.Pow:
                EmitVector(state, depends, c.Args[1]);
                _il.Emit(OpCodes.Call, vec.Math(nameof(VectorMath.Pow), 2));
                return t;
            default:
                _il.Emit(OpCodes.Call, vec.Math(c.Fn.ToString(), 1));
                return t;
        }
    }
}
