namespace Jit.TensorExpr;

/// <summary><c>Buffer[Indices] = Value</c>; the value has the buffer's dtype.</summary>
public sealed record StoreStmt(TeBuffer Buffer, NodeList<Expr> Indices, Expr Value) : Stmt;
