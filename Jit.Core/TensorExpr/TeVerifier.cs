using Jit.Errors;
using Jit.Tensors;

namespace Jit.TensorExpr;

/// <summary>
/// Checks a kernel's invariants (PyTorch's IRVerifier): operand dtypes agree, conditions are
/// bool, indices are integers and match the buffer's rank, stored values have the buffer's dtype,
/// every variable is a param or an enclosing loop index (no shadowing), every buffer is an input,
/// an output or an enclosing allocation (inputs are never written), names are unique and
/// annotations are well formed.
/// </summary>
public sealed class TeVerifier : TeVisitor
{
    private readonly List<string> _errors = [];
    private readonly HashSet<Var> _scope = [];
    private readonly HashSet<string> _varNames = [];
    private readonly Dictionary<string, TeBuffer> _buffers = [];
    private readonly HashSet<string> _inputs = [];
    private readonly HashSet<string> _perWorkItem = [];
    private readonly List<Var> _threadVars = [];
    private int _blockLoops, _threadLoops;

    private TeVerifier() { }

    /// <summary>Every problem found, one line each; empty when the kernel is well formed.</summary>
    public static IReadOnlyList<string> Check(TeKernel kernel)
    {
        var v = new TeVerifier();
        v.Visit(kernel);
        return v._errors;
    }

    /// <summary>Throws <see cref="JitIrException"/> listing every problem, if any.</summary>
    public static void Verify(TeKernel kernel)
    {
        var errors = Check(kernel);
        if (errors.Count > 0)
            throw new JitIrException($"kernel {kernel.Name} is malformed:\n  " + string.Join("\n  ", errors));
    }

    public override void Visit(TeKernel kernel)
    {
        foreach (var p in kernel.Params)
        {
            if (!p.VarType.IsIntegral()) _errors.Add($"param {p.Name} has non-integer dtype {p.VarType.PythonName()}");
            Declare(p);
        }
        foreach (var b in kernel.Inputs) { DeclareBuffer(b); _inputs.Add(b.Name); }
        foreach (var b in kernel.Outputs) DeclareBuffer(b);
        foreach (var b in kernel.Inputs) VisitBuffer(b);
        foreach (var b in kernel.Outputs) VisitBuffer(b);
        Visit(kernel.Body);
    }

    public override void VisitBuffer(TeBuffer buffer)
    {
        if (buffer.Sizes.Count != buffer.Strides.Count)
            _errors.Add($"buffer {buffer.Name} has {buffer.Sizes.Count} sizes but {buffer.Strides.Count} strides");
        foreach (var e in buffer.Sizes.Concat(buffer.Strides)) Index(e, $"shape of {buffer.Name}");
    }

    private void Declare(Var v)
    {
        if (!_varNames.Add(v.Name)) _errors.Add($"variable {v.Name} shadows another of the same name");
        _scope.Add(v);
    }

    private void DeclareBuffer(TeBuffer b)
    {
        if (!_buffers.TryAdd(b.Name, b)) _errors.Add($"buffer {b.Name} is declared twice");
    }

    private void Index(Expr e, string what)
    {
        if (!e.DType.IsIntegral()) _errors.Add($"{what}: index {e} has dtype {e.DType.PythonName()}, not an integer");
        Visit(e);
    }

    private void Access(TeBuffer b, NodeList<Expr> indices, bool write)
    {
        if (!_buffers.TryGetValue(b.Name, out var declared)) _errors.Add($"buffer {b.Name} is not declared here");
        else if (!declared.Equals(b)) _errors.Add($"buffer {b.Name} is used with a different declaration");
        if (write && _inputs.Contains(b.Name)) _errors.Add($"input buffer {b.Name} is written");
        if (indices.Count != b.Rank) _errors.Add($"{b.Name} has rank {b.Rank} but is indexed with {indices.Count} indices");
        foreach (var i in indices) Index(i, b.Name);
        if (_perWorkItem.Contains(b.Name) && (indices.Count == 0 || indices[0] is not Var v || !_threadVars.Contains(v)))
            _errors.Add($"per-work-item buffer {b.Name} is indexed with {(indices.Count == 0 ? "nothing" : indices[0])}, not a thread loop's index");
    }

    protected override void VisitVar(Var e)
    {
        if (!_scope.Contains(e)) _errors.Add($"variable {e.Name} ({e.VarType.PythonName()}) is not in scope");
    }

    protected override void VisitBinary(BinaryExpr e)
    {
        if (e.A.DType != e.B.DType)
            _errors.Add($"{e}: operands have dtypes {e.A.DType.PythonName()} and {e.B.DType.PythonName()}");
        if (e.Op is BinaryOp.And or BinaryOp.Or or BinaryOp.Xor && e.A.DType.IsFloatingPoint())
            _errors.Add($"{e}: {e.Op} on floating dtype");
        base.VisitBinary(e);
    }

    protected override void VisitUnary(UnaryExpr e)
    {
        if (e.Op == UnaryOp.Not && e.X.DType.IsFloatingPoint()) _errors.Add($"{e}: Not on floating dtype");
        base.VisitUnary(e);
    }

    protected override void VisitSelect(SelectExpr e)
    {
        if (e.Cond.DType != DType.Bool) _errors.Add($"{e}: condition is {e.Cond.DType.PythonName()}, not bool");
        if (e.IfTrue.DType != e.IfFalse.DType) _errors.Add($"{e}: branches have different dtypes");
        base.VisitSelect(e);
    }

    protected override void VisitCall(CallExpr e)
    {
        if (e.Args.Count != CallExpr.Arity(e.Fn)) _errors.Add($"{e}: {e.Fn} takes {CallExpr.Arity(e.Fn)} arguments");
        else if (e.Args.Any(a => a.DType != e.Args[0].DType)) _errors.Add($"{e}: arguments have different dtypes");
        else if (!e.Args[0].DType.IsFloatingPoint() && !IntegerIntrinsic(e.Fn))
            _errors.Add($"{e}: {e.Fn} needs a floating argument");
        base.VisitCall(e);
    }

    private static bool IntegerIntrinsic(Intrinsic fn) => fn is Intrinsic.Abs or Intrinsic.Floor or Intrinsic.Ceil
        or Intrinsic.Round or Intrinsic.Trunc or Intrinsic.IsNan or Intrinsic.Pow or Intrinsic.Fmod
        or Intrinsic.Remainder or Intrinsic.FloorDiv;

    protected override void VisitLoad(LoadExpr e) => Access(e.Buffer, e.Indices, write: false);

    protected override void VisitStore(StoreStmt s)
    {
        Access(s.Buffer, s.Indices, write: true);
        if (s.Value.DType != s.Buffer.DType)
            _errors.Add($"store to {s.Buffer.Name}: value is {s.Value.DType.PythonName()}, buffer is {s.Buffer.DType.PythonName()}");
        Visit(s.Value);
    }

    protected override void VisitReduce(ReduceStmt s)
    {
        Access(s.Buffer, s.Indices, write: true);
        var t = s.Buffer.DType;
        if (s.Value.DType != t)
            _errors.Add($"reduce into {s.Buffer.Name}: value is {s.Value.DType.PythonName()}, buffer is {t.PythonName()}");
        if (s.Reducer.Kind is ReduceKind.Any or ReduceKind.All && t != DType.Bool)
            _errors.Add($"reduce into {s.Buffer.Name}: {s.Reducer.Kind} needs a bool buffer");
        if (s.Reducer.Kind == ReduceKind.Custom)
        {
            if (s.Reducer.Acc is null || s.Reducer.X is null || s.Reducer.Combiner is null || s.Reducer.InitValue is null)
                _errors.Add($"reduce into {s.Buffer.Name}: custom reducer lacks its vars, combiner or init");
            else if (s.Reducer.Acc.VarType != t || s.Reducer.X.VarType != t || s.Reducer.Combiner.DType != t)
                _errors.Add($"reduce into {s.Buffer.Name}: custom reducer dtypes differ from {t.PythonName()}");
        }
        Visit(s.Value);
    }

    protected override void VisitFor(ForStmt s)
    {
        Index(s.Start, $"start of loop {s.Index.Name}");
        Index(s.Stop, $"stop of loop {s.Index.Name}");
        if (!s.Index.VarType.IsIntegral()) _errors.Add($"loop index {s.Index.Name} is not an integer");
        var a = s.Annotation;
        if (a.Kind is LoopKind.Vectorized or LoopKind.Unrolled && a.Width <= 0)
            _errors.Add($"loop {s.Index.Name}: {a.Kind} needs a positive width");
        if (a.Kind is LoopKind.GpuBlock or LoopKind.GpuThread or LoopKind.GpuGlobal && a.Axis is < 0 or > 2)
            _errors.Add($"loop {s.Index.Name}: GPU axis {a.Axis} is not 0, 1 or 2");
        Declare(s.Index);
        if (a.Kind == LoopKind.GpuBlock) _blockLoops++;
        if (a.Kind == LoopKind.GpuThread) _threadLoops++;
        if (a.Kind == LoopKind.GpuThread) _threadVars.Add(s.Index);
        Visit(s.Body);
        if (a.Kind == LoopKind.GpuThread) _threadVars.Remove(s.Index);
        if (a.Kind == LoopKind.GpuBlock) _blockLoops--;
        if (a.Kind == LoopKind.GpuThread) _threadLoops--;
        _scope.Remove(s.Index);
        _varNames.Remove(s.Index.Name);
    }

    protected override void VisitIf(IfStmt s)
    {
        if (s.Cond.DType != DType.Bool) _errors.Add($"if condition {s.Cond} is not bool");
        base.VisitIf(s);
    }

    // A barrier stops a work-group between sibling thread loops: inside one, a serial run would
    // not mean the same; outside any work-group loop there is no group to wait for.
    protected override void VisitBarrier(BarrierStmt s)
    {
        if (_threadLoops > 0) _errors.Add("barrier inside a GPU thread loop");
        else if (_blockLoops == 0) _errors.Add("barrier outside a GPU block loop");
    }

    protected override void VisitAllocate(AllocateStmt s)
    {
        if (s.Scope == BufferScope.Local && s.Buffer.Sizes.Any(e => e is not IntImm))
            _errors.Add($"local buffer {s.Buffer.Name} needs constant sizes");
        if (s.Scope == BufferScope.PerWorkItem && (_blockLoops == 0 || _threadLoops > 0 || s.Buffer.Rank == 0))
            _errors.Add($"per-work-item buffer {s.Buffer.Name} must have a work-item dim and sit in a block loop, outside thread loops");
        VisitBuffer(s.Buffer);
        DeclareBuffer(s.Buffer);
        if (s.Scope == BufferScope.PerWorkItem) _perWorkItem.Add(s.Buffer.Name);
        Visit(s.Body);
        _perWorkItem.Remove(s.Buffer.Name);
        _buffers.Remove(s.Buffer.Name);
    }
}
