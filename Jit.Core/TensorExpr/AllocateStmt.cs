namespace Jit.TensorExpr;

/// <summary>
/// A temporary <see cref="Buffer"/> that exists only while <see cref="Body"/> runs (a local scalar
/// when its rank is 0). Its contents start undefined; the evaluator fills it with NaN or a
/// recognisable integer so that reading before writing shows up in tests. <see cref="Scope"/>
/// says where a GPU schedule puts it; it never changes results.
/// </summary>
public sealed record AllocateStmt(TeBuffer Buffer, Stmt Body, BufferScope Scope = BufferScope.Auto) : Stmt;
