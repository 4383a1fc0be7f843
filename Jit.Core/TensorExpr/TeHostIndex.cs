using Jit.Errors;

namespace Jit.TensorExpr;

/// <summary>Evaluates size and stride expressions on the host (output and temporary shapes), with the IR's integer semantics.</summary>
internal static class TeHostIndex
{
    public static long Eval(Expr e, IReadOnlyDictionary<Var, long> vars) => e switch
    {
        IntImm i => i.Value,
        Var v => vars.TryGetValue(v, out long x) ? x : throw new JitRuntimeException($"size variable {v.Name} is not bound"),
        BinaryExpr b => Binary(b.Op, Eval(b.A, vars), Eval(b.B, vars)),
        UnaryExpr { Op: UnaryOp.Neg } u => -Eval(u.X, vars),
        CastExpr c when !c.X.DType.IsFloatingPointDType() => Eval(c.X, vars),
        SelectExpr s => Eval(s.Cond, vars) != 0 ? Eval(s.IfTrue, vars) : Eval(s.IfFalse, vars),
        _ => throw new JitRuntimeException($"cannot evaluate size expression {e} on the host"),
    };

    private static bool IsFloatingPointDType(this Jit.Tensors.DType t) => Jit.Tensors.DTypeInfo.IsFloatingPoint(t);

    internal static long Binary(BinaryOp op, long p, long q) => op switch
    {
        BinaryOp.Add => p + q,
        BinaryOp.Sub => p - q,
        BinaryOp.Mul => p * q,
        BinaryOp.Div => ScalarMath.Binary(BinaryOp.Div, Jit.Tensors.DType.Int64, Scalar.Of(p), Scalar.Of(q)).I,
        BinaryOp.Mod => ScalarMath.Binary(BinaryOp.Mod, Jit.Tensors.DType.Int64, Scalar.Of(p), Scalar.Of(q)).I,
        BinaryOp.Min => Math.Min(p, q),
        BinaryOp.Max => Math.Max(p, q),
        BinaryOp.Eq => p == q ? 1 : 0,
        BinaryOp.Ne => p != q ? 1 : 0,
        BinaryOp.Lt => p < q ? 1 : 0,
        BinaryOp.Le => p <= q ? 1 : 0,
        BinaryOp.Gt => p > q ? 1 : 0,
        BinaryOp.Ge => p >= q ? 1 : 0,
        BinaryOp.And => p & q,
        BinaryOp.Or => p | q,
        _ => p ^ q,
    };
}
