namespace Jit.TensorExpr;

/// <summary><c>if (Cond) Then else Else</c>; the condition is bool. Used for masked splits and GPU bounds guards.</summary>
public sealed record IfStmt(Expr Cond, Stmt Then, Stmt? Else = null) : Stmt;
