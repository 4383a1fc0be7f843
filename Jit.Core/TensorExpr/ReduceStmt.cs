namespace Jit.TensorExpr;

/// <summary>
/// <c>Buffer[Indices] = Reducer.Combine(Buffer[Indices], Value)</c>: one accumulation step of a
/// reduction. The buffer element was initialised (usually with <see cref="Reducer.Init"/>) by an
/// earlier store; keeping the step explicit lets GPU backends turn it into atomics or trees.
/// </summary>
public sealed record ReduceStmt(TeBuffer Buffer, NodeList<Expr> Indices, Reducer Reducer, Expr Value) : Stmt;
