using System.Reflection;
using System.Reflection.Emit;
using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Codegen;

// Scalar expressions: each pushes one value of its dtype's stack type (see ClrStackType) with
// exactly the evaluator's semantics (ScalarMath): wrap after integer ops, round narrow floats
// after every op, NaN-propagating min/max, C division that reports division by zero.
internal sealed partial class TeIlEmitter
{
    private static readonly MethodInfo MathMaxF = typeof(Math).GetMethod(nameof(Math.Max), [typeof(float), typeof(float)])!;
    private static readonly MethodInfo MathMinF = typeof(Math).GetMethod(nameof(Math.Min), [typeof(float), typeof(float)])!;
    private static readonly MethodInfo MathMaxD = typeof(Math).GetMethod(nameof(Math.Max), [typeof(double), typeof(double)])!;
    private static readonly MethodInfo MathMinD = typeof(Math).GetMethod(nameof(Math.Min), [typeof(double), typeof(double)])!;
    private static readonly MethodInfo MathMaxI = typeof(Math).GetMethod(nameof(Math.Max), [typeof(int), typeof(int)])!;
    private static readonly MethodInfo MathMinI = typeof(Math).GetMethod(nameof(Math.Min), [typeof(int), typeof(int)])!;
    private static readonly MethodInfo MathMaxL = typeof(Math).GetMethod(nameof(Math.Max), [typeof(long), typeof(long)])!;
    private static readonly MethodInfo MathMinL = typeof(Math).GetMethod(nameof(Math.Min), [typeof(long), typeof(long)])!;

    private static MethodInfo Helper(string name) =>
        typeof(TeScalarOps).GetMethod(name, BindingFlags.Public | BindingFlags.Static)
        ?? throw new InvalidOperationException($"TeScalarOps.{name} is missing");

    /// <summary>An index expression as int64.</summary>
    private void EmitIndex(Expr e)
    {
        EmitExpr(e);
        if (ClrStackType(e.DType) != typeof(long))
        {
            if (e.DType.IsFloatingPoint()) throw new JitRuntimeException($"index {e} is not an integer");
            _il.Emit(OpCodes.Conv_I8);
        }
    }

    private void EmitExpr(Expr e)
    {
        switch (e)
        {
            case IntImm i:
                if (ClrStackType(i.DType) == typeof(long)) _il.Emit(OpCodes.Ldc_I8, i.Value);
                else _il.Emit(OpCodes.Ldc_I4, (int)i.Value);
                break;
            case FloatImm f:
                if (f.DType == DType.Float64) _il.Emit(OpCodes.Ldc_R8, f.Value);
                else _il.Emit(OpCodes.Ldc_R4, (float)f.Value);
                break;
            case Var v:
                _il.Emit(OpCodes.Ldloc, _vars.TryGetValue(v, out var local) ? local : throw new JitRuntimeException($"variable {v.Name} is not bound"));
                break;
            case BinaryExpr b:
                EmitBinary(b);
                break;
            case UnaryExpr u:
                EmitExpr(u.X);
                if (u.Op == UnaryOp.Neg)
                {
                    _il.Emit(OpCodes.Neg);
                    if (!u.DType.IsFloatingPoint()) EmitWrap(u.DType);
                }
                else if (u.DType == DType.Bool)
                {
                    _il.Emit(OpCodes.Ldc_I4_1);
                    _il.Emit(OpCodes.Xor);
                }
                else if (u.DType.IsFloatingPoint()) throw new JitRuntimeException($"Not is not defined on {u.DType.PythonName()}");
                else
                {
                    _il.Emit(OpCodes.Not);
                    EmitWrap(u.DType);
                }
                break;
            case CastExpr c:
                EmitExpr(c.X);
                EmitConvert(c.X.DType, c.Target);
                break;
            case SelectExpr s:
            {
                var no = _il.DefineLabel();
                var end = _il.DefineLabel();
                EmitExpr(s.Cond);
                _il.Emit(OpCodes.Brfalse, no);
                EmitExpr(s.IfTrue);
                _il.Emit(OpCodes.Br, end);
                _il.MarkLabel(no);
                EmitExpr(s.IfFalse);
                _il.MarkLabel(end);
                break;
            }
            case CallExpr c:
                EmitCall(c);
                break;
            case LoadExpr l:
                EmitLoad(l);
                break;
            default:
                throw new JitRuntimeException($"the IL compiler cannot emit {e.GetType().Name}");
        }
    }

    private void EmitBinary(BinaryExpr b)
    {
        var t = b.A.DType;
        bool fp = t.IsFloatingPoint();
        if (!fp && b.Op is BinaryOp.Div or BinaryOp.Mod)
        {
            // Through int64 helpers: C truncation, no trap on MIN / -1, a JitRuntimeException on 0.
            EmitExpr(b.A);
            if (ClrStackType(t) != typeof(long)) _il.Emit(OpCodes.Conv_I8);
            EmitExpr(b.B);
            if (ClrStackType(t) != typeof(long)) _il.Emit(OpCodes.Conv_I8);
            _il.Emit(OpCodes.Call, Helper(b.Op == BinaryOp.Div ? nameof(TeScalarOps.DivI) : nameof(TeScalarOps.ModI)));
            if (ClrStackType(t) != typeof(long)) _il.Emit(OpCodes.Conv_I4);
            EmitWrap(t);
            return;
        }
        EmitExpr(b.A);
        EmitExpr(b.B);
        switch (b.Op)
        {
            case BinaryOp.Eq: _il.Emit(OpCodes.Ceq); return;
            case BinaryOp.Ne: _il.Emit(OpCodes.Ceq); EmitNot(); return;
            case BinaryOp.Lt: _il.Emit(OpCodes.Clt); return;
            case BinaryOp.Gt: _il.Emit(OpCodes.Cgt); return;
            // a <= b is !(a > b or unordered) for floats, so NaN compares false.
            case BinaryOp.Le: _il.Emit(fp ? OpCodes.Cgt_Un : OpCodes.Cgt); EmitNot(); return;
            case BinaryOp.Ge: _il.Emit(fp ? OpCodes.Clt_Un : OpCodes.Clt); EmitNot(); return;
            case BinaryOp.Min or BinaryOp.Max:
            {
                var st = ClrStackType(t);
                bool max = b.Op == BinaryOp.Max;
                // Math.Min/Max propagate NaN and order -0 below +0, as the evaluator.
                _il.Emit(OpCodes.Call, st == typeof(float) ? (max ? MathMaxF : MathMinF)
                    : st == typeof(double) ? (max ? MathMaxD : MathMinD)
                    : st == typeof(long) ? (max ? MathMaxL : MathMinL)
                    : (max ? MathMaxI : MathMinI));
                return;
            }
        }
        if (fp)
        {
            _il.Emit(b.Op switch
            {
                BinaryOp.Add => OpCodes.Add,
                BinaryOp.Sub => OpCodes.Sub,
                BinaryOp.Mul => OpCodes.Mul,
                BinaryOp.Div => OpCodes.Div,
                BinaryOp.Mod => OpCodes.Rem,
                _ => throw new JitRuntimeException($"{b.Op} is not defined on {t.PythonName()}"),
            });
            EmitRoundFloat(t);
            return;
        }
        _il.Emit(b.Op switch
        {
            BinaryOp.Add => OpCodes.Add,
            BinaryOp.Sub => OpCodes.Sub,
            BinaryOp.Mul => OpCodes.Mul,
            BinaryOp.And => OpCodes.And,
            BinaryOp.Or => OpCodes.Or,
            _ => OpCodes.Xor,
        });
        EmitWrap(t);
    }

    private void EmitNot()
    {
        _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Ceq);
    }

    /// <summary>Rounds a float on the stack to its dtype (float32 forced to single precision).</summary>
    private void EmitRoundFloat(DType t)
    {
        switch (t)
        {
            case DType.Float32: _il.Emit(OpCodes.Conv_R4); break;
            case DType.Float64: _il.Emit(OpCodes.Conv_R8); break;
            case DType.Float16: _il.Emit(OpCodes.Conv_R4); _il.Emit(OpCodes.Call, Helper(nameof(TeScalarOps.RoundHalf))); break;
            case DType.BFloat16: _il.Emit(OpCodes.Conv_R4); _il.Emit(OpCodes.Call, Helper(nameof(TeScalarOps.RoundBFloat))); break;
        }
    }

    /// <summary>Wraps an integer on the stack to the width of <paramref name="t"/>.</summary>
    private void EmitWrap(DType t)
    {
        switch (t)
        {
            case DType.Int16: _il.Emit(OpCodes.Conv_I2); break;
            case DType.Int8: _il.Emit(OpCodes.Conv_I1); break;
            case DType.UInt8: _il.Emit(OpCodes.Conv_U1); break;
            case DType.Bool: _il.Emit(OpCodes.Ldc_I4_0); _il.Emit(OpCodes.Cgt_Un); break;
        }
    }

    /// <summary>Converts the value on the stack from <paramref name="from"/> to <paramref name="to"/> (CastExpr semantics).</summary>
    private void EmitConvert(DType from, DType to)
    {
        if (from == to) return;
        var fromStack = ClrStackType(from);
        if (from.IsFloatingPoint())
        {
            if (to.IsFloatingPoint())
            {
                if (to == DType.Float64) _il.Emit(OpCodes.Conv_R8);
                else EmitRoundFloat(to);
                return;
            }
            if (to == DType.Bool)
            {
                // x != 0, which is true for NaN.
                if (fromStack == typeof(double)) _il.Emit(OpCodes.Ldc_R8, 0.0);
                else _il.Emit(OpCodes.Ldc_R4, 0f);
                _il.Emit(OpCodes.Ceq);
                EmitNot();
                return;
            }
            if (fromStack != typeof(double)) _il.Emit(OpCodes.Conv_R8);
            _il.Emit(OpCodes.Call, Helper(nameof(TeScalarOps.FloatToLong)));
            if (ClrStackType(to) != typeof(long)) _il.Emit(OpCodes.Conv_I4);
            EmitWrap(to);
            return;
        }
        switch (to)
        {
            case DType.Float32:
                _il.Emit(OpCodes.Conv_R4);
                return;
            case DType.Float64:
                _il.Emit(OpCodes.Conv_R8);
                return;
            case DType.Float16 or DType.BFloat16:
                // As the evaluator: integer to double, double to float, then to the narrow type.
                _il.Emit(OpCodes.Conv_R8);
                EmitRoundFloat(to);
                return;
        }
        if (to == DType.Bool)
        {
            if (fromStack == typeof(long)) _il.Emit(OpCodes.Ldc_I8, 0L);
            else _il.Emit(OpCodes.Ldc_I4_0);
            _il.Emit(OpCodes.Cgt_Un);
            return;
        }
        var toStack = ClrStackType(to);
        if (toStack == typeof(long))
        {
            if (fromStack != typeof(long)) _il.Emit(OpCodes.Conv_I8);
            return;
        }
        if (fromStack == typeof(long)) _il.Emit(OpCodes.Conv_I4);
        EmitWrap(to);
    }

    private void EmitCall(CallExpr c)
    {
        var t = c.Args[0].DType;
        if (c.Fn == Intrinsic.IsNan)
        {
            EmitExpr(c.Args[0]);
            if (t.IsFloatingPoint())
            {
                // x == x is false only for NaN.
                _il.Emit(OpCodes.Dup);
                _il.Emit(OpCodes.Ceq);
                EmitNot();
            }
            else
            {
                _il.Emit(OpCodes.Pop);
                _il.Emit(OpCodes.Ldc_I4_0);
            }
            return;
        }
        bool binary = CallExpr.Arity(c.Fn) == 2;
        if (t.IsFloatingPoint())
        {
            // In double, rounded once to the dtype: exactly the evaluator's value.
            EmitExpr(c.Args[0]);
            if (t != DType.Float64) _il.Emit(OpCodes.Conv_R8);
            if (binary)
            {
                EmitExpr(c.Args[1]);
                if (t != DType.Float64) _il.Emit(OpCodes.Conv_R8);
            }
            else _il.Emit(OpCodes.Ldc_R8, 0.0);
            _il.Emit(OpCodes.Ldc_I4, (int)c.Fn);
            _il.Emit(OpCodes.Call, Helper(nameof(TeScalarOps.CallF)));
            if (t != DType.Float64) EmitRoundFloat(t);
            return;
        }
        var st = ClrStackType(t);
        EmitExpr(c.Args[0]);
        if (st != typeof(long)) _il.Emit(OpCodes.Conv_I8);
        if (binary)
        {
            EmitExpr(c.Args[1]);
            if (st != typeof(long)) _il.Emit(OpCodes.Conv_I8);
        }
        else _il.Emit(OpCodes.Ldc_I8, 0L);
        _il.Emit(OpCodes.Ldc_I4, (int)c.Fn);
        _il.Emit(OpCodes.Ldc_I4, (int)t);
        _il.Emit(OpCodes.Call, Helper(nameof(TeScalarOps.CallI)));
        if (st != typeof(long)) _il.Emit(OpCodes.Conv_I4);
    }
}
