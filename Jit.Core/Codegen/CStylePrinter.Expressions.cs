using System.Globalization;
using Jit.Errors;
using Jit.Tensors;
using Jit.TensorExpr;

namespace Jit.Codegen;

// Expressions: every compound expression is printed in parentheses, so no precedence table.
public sealed partial class CStylePrinter
{
    private string E(Expr e) => e switch
    {
        IntImm i => IntLiteral(i),
        FloatImm f => _d.FloatLiteral(f.Value, f.DType),
        Var v => v.Name,
        LoadExpr l => Load(l),
        BinaryExpr b => Binary(b),
        UnaryExpr u => Unary(u),
        CastExpr c => Cast(c.X, c.Target),
        SelectExpr s => $"({E(s.Cond)} ? {E(s.IfTrue)} : {E(s.IfFalse)})",
        CallExpr c => Call(c),
        _ => throw new JitIrException($"cannot print expression {e.GetType().Name}"),
    };

    private string T(DType t) => _d.TypeName(t);

    private static string Suffix(DType t) => t == DType.Float64 ? "d" : "f";

    private string IntLiteral(IntImm i)
    {
        long v = i.Value;
        string text = v.ToString(CultureInfo.InvariantCulture);
        return i.DType switch
        {
            DType.Bool => v != 0 ? "1" : "0",
            DType.Int64 when v == long.MinValue => $"(-9223372036854775807{_d.Int64Suffix} - 1{_d.Int64Suffix})",
            DType.Int64 => v < 0 ? $"({text}{_d.Int64Suffix})" : text + _d.Int64Suffix,
            DType.Int32 when v == int.MinValue => "(-2147483647 - 1)",
            DType.Int32 => v < 0 ? $"({text})" : text,
            _ => $"(({T(i.DType)}){text})",
        };
    }

    // A float result of dtype t rounded to t: 16-bit floats compute in float and round per operation.
    private static string Round(DType t, string text) => t switch
    {
        DType.Float16 => $"jit_rh({text})",
        DType.BFloat16 => $"jit_rbf({text})",
        _ => text,
    };

    // A 64-bit integer result wrapped to integer dtype t.
    private string Wrap(DType t, string text) => t switch
    {
        DType.Int64 => text,
        DType.Bool => $"({text} != 0)",
        _ => $"(({T(t)}){text})",
    };

    private static string Symbol(BinaryOp op) => op switch
    {
        BinaryOp.Add => "+", BinaryOp.Sub => "-", BinaryOp.Mul => "*", BinaryOp.Div => "/",
        BinaryOp.Mod => "%", BinaryOp.And => "&", BinaryOp.Or => "|", BinaryOp.Xor => "^",
        BinaryOp.Eq => "==", BinaryOp.Ne => "!=", BinaryOp.Lt => "<", BinaryOp.Le => "<=",
        BinaryOp.Gt => ">", _ => ">=",
    };

    private string Binary(BinaryExpr b)
    {
        var t = b.A.DType;
        string x = E(b.A), y = E(b.B), op = Symbol(b.Op);
        if (BinaryExpr.IsComparison(b.Op)) return $"({x} {op} {y})";
        if (t.IsFloatingPoint())
        {
            return b.Op switch
            {
                BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul or BinaryOp.Div => Round(t, $"({x} {op} {y})"),
                BinaryOp.Mod => Round(t, $"fmod({x}, {y})"),
                BinaryOp.Max => $"jit_max_{Suffix(t)}({x}, {y})",
                BinaryOp.Min => $"jit_min_{Suffix(t)}({x}, {y})",
                _ => throw new JitIrException($"{b.Op} is not defined on {t.PythonName()}"),
            };
        }
        bool positiveConstant = b.B is IntImm { Value: > 0 };
        return b.Op switch
        {
            BinaryOp.Add or BinaryOp.Sub or BinaryOp.Mul => Wrapping(t, x, op, y),
            BinaryOp.Div when positiveConstant => $"({x} / {y})",
            BinaryOp.Mod when positiveConstant => $"({x} % {y})",
            BinaryOp.Div => Wrap(t, $"jit_div_l({x}, {y})"),
            BinaryOp.Mod => Wrap(t, $"jit_mod_l({x}, {y})"),
            BinaryOp.Max => Wrap(t, $"jit_max_l({x}, {y})"),
            BinaryOp.Min => Wrap(t, $"jit_min_l({x}, {y})"),
            _ => $"({x} {op} {y})",
        };
    }

    // +, -, * wrapping at the width: through the unsigned type where C's signed overflow is
    // undefined, else in int (C's promotion) converted back.
    private string Wrapping(DType t, string x, string op, string y) => t switch
    {
        DType.Int64 => $"(({T(t)})(({_d.UInt64Name}){x} {op} ({_d.UInt64Name}){y}))",
        DType.Int32 => $"(({T(t)})(({_d.UInt32Name}){x} {op} ({_d.UInt32Name}){y}))",
        _ => Wrap(t, $"({x} {op} {y})"),
    };

    private string Unary(UnaryExpr u)
    {
        var t = u.X.DType;
        string x = E(u.X);
        if (u.Op == UnaryOp.Neg)
        {
            if (t.IsFloatingPoint()) return $"(-{x})";
            return t == DType.Bool ? x : Wrapping(t, "0", "-", x);
        }
        return t == DType.Bool ? $"(!{x})" : Wrap(t, $"(~{x})");
    }

    private string Cast(Expr e, DType to)
    {
        var from = e.DType;
        string x = E(e);
        if (from == to) return x;
        if (to == DType.Bool) return $"({x} != 0)";
        if (from.IsFloatingPoint())
        {
            return to switch
            {
                DType.Float64 => $"((double){x})",
                DType.Float32 => from == DType.Float64 ? $"((float){x})" : x,
                DType.Float16 or DType.BFloat16 => Round(to, from == DType.Float64 ? $"((float){x})" : x),
                _ => Wrap(to, $"jit_f2l_{Suffix(from)}({x})"),
            };
        }
        return to switch
        {
            DType.Float64 => $"((double){x})",
            DType.Float32 => $"((float){x})",
            DType.Float16 or DType.BFloat16 => Round(to, $"((float){x})"),
            _ => $"(({T(to)}){x})",
        };
    }

    private string Call(CallExpr c)
    {
        var t = c.Args[0].DType;
        string a = E(c.Args[0]);
        string args = string.Join(", ", c.Args.Select(E));
        if (c.Fn == Intrinsic.IsNan) return t.IsFloatingPoint() ? $"(isnan({a}) != 0)" : "0";
        if (t.IsFloatingPoint())
        {
            string s = Suffix(t);
            return c.Fn switch
            {
                Intrinsic.Sigmoid => Round(t, $"jit_sigmoid_{s}({a})"),
                Intrinsic.Remainder => Round(t, $"jit_rem_{s}({args})"),
                Intrinsic.FloorDiv => Round(t, $"jit_floordiv_{s}({args})"),
                _ => Round(t, $"{_d.MathFunction(c.Fn, t) ?? throw new JitIrException($"no function for {c.Fn}")}({args})"),
            };
        }
        return c.Fn switch
        {
            Intrinsic.Floor or Intrinsic.Ceil or Intrinsic.Round or Intrinsic.Trunc => a,
            Intrinsic.Abs => Wrap(t, $"jit_abs_l({a})"),
            Intrinsic.Fmod => Wrap(t, $"jit_mod_l({args})"),
            Intrinsic.Remainder => Wrap(t, $"jit_rem_l({args})"),
            Intrinsic.FloorDiv => Wrap(t, $"jit_floordiv_l({args})"),
            Intrinsic.Pow => Wrap(t, $"jit_pow_l({args})"),
            _ => throw new JitIrException($"{c.Fn} is not defined on {t.PythonName()}"),
        };
    }
}
