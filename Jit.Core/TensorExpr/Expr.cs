using Jit.Tensors;

namespace Jit.TensorExpr;

// Tensor-expression (TE) kernel IR
// ================================
// A kernel (TeKernel) is a loop program over buffers, independent of any target: the CPU IL
// emitter and the CUDA / OpenCL / GLSL printers all consume the same kernels, and TeEvaluator
// runs them on host tensors as the oracle.
//
//   TeKernel   name, Params (symbolic int64 scalars: sizes and strides), Inputs, Outputs, Body
//   TeBuffer   name, dtype, Sizes and Strides as expressions over the params (rank-0 = scalar)
//   Expr       IntImm | FloatImm | Var | BinaryExpr | UnaryExpr | CastExpr | SelectExpr
//              | CallExpr (intrinsics) | LoadExpr (buffer[i0, i1, ...], logical indices)
//   Stmt       StoreStmt | ReduceStmt (buf[idx] = combine(buf[idx], v)) | ForStmt (with a
//              LoopAnnotation: serial, parallel, vectorize(w), unroll(n), GPU block/thread axis)
//              | BlockStmt | IfStmt | AllocateStmt (scoped temporary / local scalar)
//
// Every node is an immutable record: equality is structural (a kernel's printed form and its
// StructuralHash key compiled-kernel caches), and rewriters (TeRewriter, TeSimplifier,
// TeSchedule) return the very same instance when nothing changed.
//
// Semantics (what TeEvaluator implements and backends must match): every expression has one
// dtype and its value is rounded/wrapped to that dtype (float16/bfloat16/float32 arithmetic is
// done in wider precision and rounded after each operation, integers wrap); the element at
// logical index (i0..ik) of a buffer is at element offset sum(ik * stride_k), so broadcasting
// (index 0, or stride 0), strides and dynamic sizes are all expressed in the kernel itself.
// Loop annotations never change results: a vectorized or parallel loop means the same as a
// serial one. Writing kernels by hand is easiest through TeBuilder (Compute / Reduce).

/// <summary>
/// A tensor-expression: an immutable, structurally comparable scalar computation with one
/// <see cref="DType"/>. Operators build nodes; an integer or float literal on one side adopts
/// the other side's dtype.
/// </summary>
public abstract record Expr
{
    /// <summary>The dtype of the value; the evaluator rounds or wraps results to it.</summary>
    public abstract DType DType { get; }

    /// <summary>An int64 constant (the dtype of index arithmetic).</summary>
    public static IntImm Int(long value) => new(DType.Int64, value);

    /// <summary>A constant of any dtype; integral and bool dtypes take the truncated value.</summary>
    public static Expr Const(double value, DType dtype) =>
        dtype.IsFloatingPoint() ? new FloatImm(dtype, value)
        : new IntImm(dtype, dtype == DType.Bool ? (value != 0 ? 1 : 0) : (long)value);

    public static IntImm Bool(bool value) => new(DType.Bool, value ? 1 : 0);

    public static implicit operator Expr(long value) => Int(value);
    public static implicit operator Expr(int value) => Int(value);

    /// <summary>A float64 literal; in a binary node, select or call it adopts the other operand's dtype.</summary>
    public static implicit operator Expr(double value) => new FloatImm(DType.Float64, value);

    /// <summary>A binary node; a literal operand is converted to the other operand's dtype.</summary>
    public static BinaryExpr Binary(BinaryOp op, Expr a, Expr b)
    {
        if (a.DType != b.DType)
        {
            if (IsLiteral(b) && !IsLiteral(a)) b = Retype(b, a.DType);
            else if (IsLiteral(a) && !IsLiteral(b)) a = Retype(a, b.DType);
        }
        return new BinaryExpr(op, a, b);
    }

    public static Expr operator +(Expr a, Expr b) => Binary(BinaryOp.Add, a, b);
    public static Expr operator -(Expr a, Expr b) => Binary(BinaryOp.Sub, a, b);
    public static Expr operator *(Expr a, Expr b) => Binary(BinaryOp.Mul, a, b);
    public static Expr operator /(Expr a, Expr b) => Binary(BinaryOp.Div, a, b);
    public static Expr operator %(Expr a, Expr b) => Binary(BinaryOp.Mod, a, b);
    public static Expr operator -(Expr a) => new UnaryExpr(UnaryOp.Neg, a);

    public static Expr Min(Expr a, Expr b) => Binary(BinaryOp.Min, a, b);
    public static Expr Max(Expr a, Expr b) => Binary(BinaryOp.Max, a, b);
    public static Expr Eq(Expr a, Expr b) => Binary(BinaryOp.Eq, a, b);
    public static Expr Ne(Expr a, Expr b) => Binary(BinaryOp.Ne, a, b);
    public static Expr Lt(Expr a, Expr b) => Binary(BinaryOp.Lt, a, b);
    public static Expr Le(Expr a, Expr b) => Binary(BinaryOp.Le, a, b);
    public static Expr Gt(Expr a, Expr b) => Binary(BinaryOp.Gt, a, b);
    public static Expr Ge(Expr a, Expr b) => Binary(BinaryOp.Ge, a, b);
    public static Expr And(Expr a, Expr b) => Binary(BinaryOp.And, a, b);
    public static Expr Or(Expr a, Expr b) => Binary(BinaryOp.Or, a, b);
    public static Expr Not(Expr a) => new UnaryExpr(UnaryOp.Not, a);

    /// <summary><c>cond ? ifTrue : ifFalse</c>; a literal branch adopts the other branch's dtype.</summary>
    public static Expr Select(Expr cond, Expr ifTrue, Expr ifFalse)
    {
        if (ifTrue.DType != ifFalse.DType)
        {
            if (IsLiteral(ifFalse) && !IsLiteral(ifTrue)) ifFalse = Retype(ifFalse, ifTrue.DType);
            else if (IsLiteral(ifTrue) && !IsLiteral(ifFalse)) ifTrue = Retype(ifTrue, ifFalse.DType);
        }
        return new SelectExpr(cond, ifTrue, ifFalse);
    }

    /// <summary>A conversion with PyTorch's cast semantics; the same instance when already <paramref name="dtype"/>.</summary>
    public static Expr Cast(Expr x, DType dtype) => x.DType == dtype ? x : new CastExpr(dtype, x);

    /// <summary>An intrinsic call; literal arguments adopt the first non-literal argument's dtype.</summary>
    public static CallExpr Call(Intrinsic fn, params Expr[] args)
    {
        var typed = args.FirstOrDefault(a => !IsLiteral(a));
        if (typed is not null)
        {
            for (int i = 0; i < args.Length; i++)
            {
                if (IsLiteral(args[i]) && args[i].DType != typed.DType) args[i] = Retype(args[i], typed.DType);
            }
        }
        return new CallExpr(fn, NodeList.Create<Expr>(args));
    }

    /// <summary>True for <see cref="IntImm"/> and <see cref="FloatImm"/>.</summary>
    public bool IsConstant => this is IntImm or FloatImm;

    private static bool IsLiteral(Expr e) => e is IntImm or FloatImm;

    private static Expr Retype(Expr literal, DType dtype) => literal switch
    {
        IntImm i => Const(i.Value, dtype),
        FloatImm f => Const(f.Value, dtype),
        _ => literal,
    };

    /// <summary>The printed form (<see cref="TePrinter"/>).</summary>
    public sealed override string ToString() => TePrinter.Print(this);
}
