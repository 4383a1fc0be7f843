using System.Reflection.Emit;
using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cuda.Codegen;

// Expressions: each pushes one value of its dtype's stack type (StackType) with the oracle's
// semantics, as CStylePrinter prints them: integers wrap at their width, narrow floats round per
// operation, max/min propagate NaN, integer division by zero gives 0.
internal sealed partial class KernelIlEmitter
{
    private void EmitExpr(Expr e)
    {
        switch (e)
        {
            case IntImm i:
                _il.Emit(OpCodes.Ldc_I8, i.DType == DType.Bool ? (i.Value != 0 ? 1L : 0L) : i.Value);
                break;
            case FloatImm f:
                if (f.DType == DType.Float64) _il.Emit(OpCodes.Ldc_R8, f.Value);
                else _il.Emit(OpCodes.Ldc_R4, (float)f.Value);
                break;
            case Var v:
                _il.Emit(OpCodes.Ldloc, _vars.TryGetValue(v, out var local) ? local
                    : throw new JitIrException($"kernel {_kernel.Kernel.Name}: variable {v.Name} is not bound"));
                break;
            case LoadExpr l:
                EmitLoad(l);
                break;
            case BinaryExpr b:
                EmitBinary(b);
                break;
            case UnaryExpr u:
                EmitUnary(u);
                break;
            case CastExpr c:
                EmitExpr(c.X);
                EmitConvert(c.X.DType, c.Target);
                break;
            case SelectExpr s:
            {
                var otherwise = _il.DefineLabel();
                var end = _il.DefineLabel();
                EmitExpr(s.Cond);
                _il.Emit(OpCodes.Brfalse, otherwise);
                EmitExpr(s.IfTrue);
                _il.Emit(OpCodes.Br, end);
                _il.MarkLabel(otherwise);
                EmitExpr(s.IfFalse);
                _il.MarkLabel(end);
                break;
            }
            case CallExpr c:
                EmitCall(c);
                break;
            default:
                throw new JitIrException($"kernel {_kernel.Kernel.Name}: the CUDA emitter cannot emit {e.GetType().Name}");
        }
    }

    private void EmitBinary(BinaryExpr b)
    {
        var t = b.A.DType;
        bool isFloat = t.IsFloatingPoint();
        string suffix = t == DType.Float64 ? "D" : "F";
        EmitExpr(b.A);
        EmitExpr(b.B);
        switch (b.Op)
        {
            case BinaryOp.Eq: _il.Emit(OpCodes.Ceq); break;
            case BinaryOp.Ne: _il.Emit(OpCodes.Ceq); Not(); break;
            case BinaryOp.Lt: _il.Emit(OpCodes.Clt); break;
            case BinaryOp.Gt: _il.Emit(OpCodes.Cgt); break;
            // a <= b is !(a > b), where a float NaN compares unordered (cgt.un is then true).
            case BinaryOp.Le: _il.Emit(isFloat ? OpCodes.Cgt_Un : OpCodes.Cgt); Not(); break;
            case BinaryOp.Ge: _il.Emit(isFloat ? OpCodes.Clt_Un : OpCodes.Clt); Not(); break;
            case BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul:
                _il.Emit(b.Op == BinaryOp.Add ? OpCodes.Add : b.Op == BinaryOp.Sub ? OpCodes.Sub : OpCodes.Mul);
                Finish(t);
                break;
            case BinaryOp.Div when isFloat: _il.Emit(OpCodes.Div); Finish(t); break;
            case BinaryOp.Mod when isFloat: _il.Emit(OpCodes.Call, Scalars("Fmod" + suffix)); Finish(t); break;
            case BinaryOp.Max: _il.Emit(OpCodes.Call, Scalars("Max" + (isFloat ? suffix : "L"))); break;
            case BinaryOp.Min: _il.Emit(OpCodes.Call, Scalars("Min" + (isFloat ? suffix : "L"))); break;
            // A positive constant divisor cannot trap; any other goes through the helper.
            case BinaryOp.Div when b.B is IntImm { Value: > 0 }: _il.Emit(OpCodes.Div); Finish(t); break;
            case BinaryOp.Mod when b.B is IntImm { Value: > 0 }: _il.Emit(OpCodes.Rem); Finish(t); break;
            case BinaryOp.Div: _il.Emit(OpCodes.Call, Scalars(nameof(DeviceScalars.DivL))); Finish(t); break;
            case BinaryOp.Mod: _il.Emit(OpCodes.Call, Scalars(nameof(DeviceScalars.ModL))); Finish(t); break;
            case BinaryOp.And or BinaryOp.Or or BinaryOp.Xor when !isFloat:
                _il.Emit(b.Op == BinaryOp.And ? OpCodes.And : b.Op == BinaryOp.Or ? OpCodes.Or : OpCodes.Xor);
                break;
            default:
                throw new JitIrException($"kernel {_kernel.Kernel.Name}: {b.Op} is not defined on {t.PythonName()}");
        }
        if (BinaryExpr.IsComparison(b.Op)) _il.Emit(OpCodes.Conv_I8);
    }

    // int32 0/1 on the stack negated.
    private void Not()
    {
        _il.Emit(OpCodes.Ldc_I4_0);
        _il.Emit(OpCodes.Ceq);
    }

    /// <summary>A result of dtype <paramref name="t"/> on the stack brought back to it: wrapped, or rounded.</summary>
    private void Finish(DType t)
    {
        switch (t)
        {
            case DType.Float16: _il.Emit(OpCodes.Call, Scalars(nameof(DeviceScalars.RoundHalf))); break;
            case DType.BFloat16: _il.Emit(OpCodes.Call, Scalars(nameof(DeviceScalars.RoundBFloat))); break;
            case DType.Int32: _il.Emit(OpCodes.Conv_I4); _il.Emit(OpCodes.Conv_I8); break;
            case DType.Int16: _il.Emit(OpCodes.Conv_I2); _il.Emit(OpCodes.Conv_I8); break;
            case DType.Int8: _il.Emit(OpCodes.Conv_I1); _il.Emit(OpCodes.Conv_I8); break;
            case DType.UInt8: _il.Emit(OpCodes.Conv_U1); _il.Emit(OpCodes.Conv_U8); break;
            case DType.Bool:
                _il.Emit(OpCodes.Ldc_I8, 0L);
                _il.Emit(OpCodes.Ceq);
                Not();
                _il.Emit(OpCodes.Conv_I8);
                break;
        }
    }

    private void EmitUnary(UnaryExpr u)
    {
        var t = u.X.DType;
        EmitExpr(u.X);
        if (u.Op == UnaryOp.Neg)
        {
            if (t == DType.Bool) return;
            _il.Emit(OpCodes.Neg);
            if (!t.IsFloatingPoint()) Finish(t);
            return;
        }
        if (t.IsFloatingPoint()) throw new JitIrException($"kernel {_kernel.Kernel.Name}: Not is not defined on {t.PythonName()}");
        if (t == DType.Bool)
        {
            _il.Emit(OpCodes.Ldc_I8, 1L);
            _il.Emit(OpCodes.Xor);
            return;
        }
        _il.Emit(OpCodes.Not);
        Finish(t);
    }

    /// <summary>Converts the value on the stack from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private void EmitConvert(DType from, DType to)
    {
        if (from == to) return;
        if (to == DType.Bool)
        {
            // Nonzero (NaN included) is true.
            if (from == DType.Float64) _il.Emit(OpCodes.Ldc_R8, 0.0);
            else if (from.IsFloatingPoint()) _il.Emit(OpCodes.Ldc_R4, 0f);
            else _il.Emit(OpCodes.Ldc_I8, 0L);
            _il.Emit(OpCodes.Ceq);
            Not();
            _il.Emit(OpCodes.Conv_I8);
            return;
        }
        if (from.IsFloatingPoint())
        {
            if (to.IsFloatingPoint())
            {
                _il.Emit(to == DType.Float64 ? OpCodes.Conv_R8 : OpCodes.Conv_R4);
                Finish(to);
                return;
            }
            if (from != DType.Float64) _il.Emit(OpCodes.Conv_R8);
            _il.Emit(OpCodes.Call, Scalars(nameof(DeviceScalars.DoubleToLong)));
            Finish(to);
            return;
        }
        if (to.IsFloatingPoint())
        {
            _il.Emit(to == DType.Float64 ? OpCodes.Conv_R8 : OpCodes.Conv_R4);
            Finish(to);
            return;
        }
        Finish(to);
    }

    private void EmitCall(CallExpr c)
    {
        var t = c.Args[0].DType;
        if (c.Fn == Intrinsic.IsNan)
        {
            if (!t.IsFloatingPoint())
            {
                _il.Emit(OpCodes.Ldc_I8, 0L);
                return;
            }
            EmitExpr(c.Args[0]);
            _il.Emit(OpCodes.Call, t == DType.Float64 ? typeof(double).GetMethod(nameof(double.IsNaN), [typeof(double)])! : typeof(float).GetMethod(nameof(float.IsNaN), [typeof(float)])!);
            _il.Emit(OpCodes.Conv_I8);
            return;
        }
        foreach (var a in c.Args) EmitExpr(a);
        if (t.IsFloatingPoint())
        {
            _il.Emit(OpCodes.Call, Scalars(c.Fn + (t == DType.Float64 ? "D" : "F")));
            Finish(t);
            return;
        }
        switch (c.Fn)
        {
            case Intrinsic.Floor or Intrinsic.Ceil or Intrinsic.Round or Intrinsic.Trunc:
                return;
            case Intrinsic.Abs or Intrinsic.Fmod or Intrinsic.Remainder or Intrinsic.FloorDiv or Intrinsic.Pow:
                _il.Emit(OpCodes.Call, Scalars(c.Fn + "L"));
                Finish(t);
                return;
            default:
                throw new JitIrException($"kernel {_kernel.Kernel.Name}: {c.Fn} is not defined on {t.PythonName()}");
        }
    }
}
