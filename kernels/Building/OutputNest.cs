using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Kernels.Building;

/// <summary>
/// The shape every template kernel has: one loop nest over the output positions (no dependences
/// between iterations, so a GPU schedule maps it onto threads), and inside it zero or more
/// reductions into local accumulators, then the stores. Usage:
/// <code>
/// var nest = new OutputNest(kb, output.Sizes);
/// var sum = nest.Reduce(Reducer.Sum, DType.Float32, [ReductionAxis.Range(k)], r => a.Load(nest.Index[0], r[0]) * ...);
/// nest.Store(output, sum);
/// kb.Add(nest.Build());
/// </code>
/// Reductions run in order; a later one may read an earlier one's accumulator (an argmax pass
/// after a max pass).
/// </summary>
internal sealed class OutputNest
{
    private readonly KernelBuilder _kb;
    private readonly IReadOnlyList<Expr> _shape;
    private readonly List<Stmt> _steps = [];
    private readonly List<TeBuffer> _accumulators = []; // and locals

    public OutputNest(KernelBuilder kb, IReadOnlyList<Expr> shape)
    {
        _kb = kb;
        _shape = shape;
        Index = shape.Select((_, d) => kb.NewVar($"i{d}")).ToArray();
    }

    /// <summary>The output position, one loop var per output dim.</summary>
    public IReadOnlyList<Var> Index { get; }

    /// <summary>
    /// Combines <paramref name="value"/> over every point of <paramref name="axes"/> into a new
    /// <paramref name="accumulate"/>-typed accumulator, starting from the reducer's init; returns
    /// the accumulator's value for later steps.
    /// </summary>
    public Expr Reduce(Reducer reducer, DType accumulate, IReadOnlyList<ReductionAxis> axes, Func<IReadOnlyList<Var>, Expr> value)
    {
        var acc = TeBuffer.Contiguous(_kb.NewName("acc"), accumulate, []);
        _accumulators.Add(acc);
        var loopVars = axes.Select((_, d) => _kb.NewVar($"r{d}")).ToArray();
        Stmt inner = new ReduceStmt(acc, NodeList<Expr>.Empty, reducer, Expr.Cast(value(loopVars), accumulate));
        for (int d = axes.Count - 1; d >= 0; d--) inner = new ForStmt(loopVars[d], axes[d].Start, axes[d].Stop, inner);
        _steps.Add(acc.Store([], reducer.Init(accumulate)));
        _steps.Add(inner);
        return acc.Load();
    }

    /// <summary>A local scalar holding <paramref name="value"/>, so an expression used twice is computed once.</summary>
    public Expr Let(Expr value)
    {
        var local = TeBuffer.Contiguous(_kb.NewName("value"), value.DType, []);
        _accumulators.Add(local);
        _steps.Add(local.Store([], value));
        return local.Load();
    }

    /// <summary><c>output[Index] = value</c>, cast to the output's dtype.</summary>
    public void Store(TeBuffer output, Expr value) => _steps.Add(output.Store(Index.ToArray<Expr>(), value));

    /// <summary>A hand-written statement at the output position (a piecewise copy).</summary>
    public void Add(Stmt stmt) => _steps.Add(stmt);

    /// <summary>The loop nest over the output with the steps inside.</summary>
    public Stmt Build()
    {
        Stmt body = new BlockStmt(NodeList.From(_steps));
        for (int a = _accumulators.Count - 1; a >= 0; a--) body = new AllocateStmt(_accumulators[a], body);
        for (int d = _shape.Count - 1; d >= 0; d--) body = new ForStmt(Index[d], 0, _shape[d], body);
        return body;
    }
}
