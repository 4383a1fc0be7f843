namespace Jit.Passes;

/// <summary>
/// Every graph pass by name, in one explicit table (ILGPU's <c>Optimizer.cs</c>): no registry, no
/// reflection. Adding a pass is one line in <see cref="Entries"/>; <see cref="DefaultPipeline"/>
/// is the inference order of PyTorch's static runtime (<c>PrepareGraphForStaticModule</c>).
/// </summary>
public static class PassCatalog
{
    // Name -> factory. A factory, not an instance: a pass may keep per-run state. A factory
    // returns null when the context lacks what the pass needs (Freeze without a module).
    private static readonly (string Name, Func<PassContext, IGraphPass?> Create)[] Entries =
    [
        (nameof(Inline), c => c.Module is { } m ? Inline.ForModule(m) : null),
        (nameof(Freeze), c => c.Module is { } m ? new Freeze(m.Object) : null),
        (nameof(ConstantPropagation), c => new ConstantPropagation(c.ConstantFoldingBackend)),
        (nameof(RemoveTensorMutation), _ => new RemoveTensorMutation()),
        // Not in DefaultPipeline (nor in PyTorch's freezing pipeline); the static runtime runs it when it plans.
        (nameof(RemoveListMutation), _ => new RemoveListMutation()),
        (nameof(EliminateNoOpSlice), _ => new EliminateNoOpSlice()),
        (nameof(RemoveDropout), _ => new RemoveDropout()),
        (nameof(EliminateDeadCode), _ => new EliminateDeadCode()),
        (nameof(EliminateCommonSubexpression), _ => new EliminateCommonSubexpression()),
        (nameof(ConstantPooling), _ => new ConstantPooling()),
        (nameof(Canonicalize), _ => new Canonicalize()),
        (nameof(LoopUnrolling), _ => new LoopUnrolling()),
        (nameof(Peephole), _ => new Peephole()),
        (nameof(FoldConvBatchNorm), _ => new FoldConvBatchNorm()),
        (nameof(FuseConvAddRelu), _ => new FuseConvAddRelu()),
        (nameof(PropagateShapes), _ => new PropagateShapes()),
        // Not in DefaultPipeline: fusion pays only where a backend compiles the groups (see RunCommand).
        (nameof(TensorExprFuser), _ => new TensorExprFuser()),
    ];

    /// <summary>
    /// The default inference pipeline, in order. Names not (yet) in the table are skipped by
    /// <see cref="Default"/> and listed by <see cref="MissingFromDefault"/>.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultPipeline =
    [
        "Inline", "Freeze", "ConstantPropagation", "Canonicalize", "RemoveTensorMutation",
        "EliminateNoOpSlice", "RemoveDropout", "EliminateDeadCode", "EliminateCommonSubexpression",
        // Peephole then ConstantPropagation again, as PyTorch's freeze (runOptimization): the None
        // tests and If outputs Peephole decides make If conditions constant for the second folding.
        // CSE once more at the end: inlined branches, pooled constants and dead in-place ops gone
        // leave repeats the first CSE could not merge.
        nameof(Peephole), "ConstantPropagation", nameof(FoldConvBatchNorm), "ConstantPooling", "EliminateDeadCode",
        "EliminateCommonSubexpression",
        // After shapes, which prove a residual's sizes equal to the conv output's.
        nameof(PropagateShapes), nameof(FuseConvAddRelu),
    ];

    /// <summary>The names of every pass in the table, in table order.</summary>
    public static IReadOnlyList<string> Names => Entries.Select(e => e.Name).ToArray();

    public static bool Contains(string name) => Entries.Any(e => e.Name == name);

    /// <summary>A new instance of the pass named <paramref name="name"/>, or null when <paramref name="context"/> lacks what it needs.</summary>
    public static IGraphPass? TryCreate(string name, PassContext context)
    {
        foreach (var e in Entries)
            if (e.Name == name) return e.Create(context);
        throw new Errors.JitException($"unknown pass '{name}'; known passes: {string.Join(", ", Names)} (or 'default')");
    }

    /// <summary>A new instance of the pass named <paramref name="name"/>; an error naming the known passes if there is none,
    /// or saying what the pass needs if the context lacks it.</summary>
    public static IGraphPass Create(string name, PassContext? context = null) =>
        TryCreate(name, context ?? PassContext.None)
        ?? throw new Errors.JitException($"pass '{name}' needs the module the graph belongs to (run it on a flatbuffer module, not a bare graph)");

    /// <summary>The passes of <see cref="DefaultPipeline"/> that the table has and the context allows, in order.</summary>
    public static IReadOnlyList<IGraphPass> Default(PassContext? context = null) =>
        DefaultPipeline.Where(Contains).Select(n => TryCreate(n, context ?? PassContext.None)).OfType<IGraphPass>().ToArray();

    /// <summary>Names of the default pipeline that the table lacks (empty once every pass is merged).</summary>
    public static IReadOnlyList<string> MissingFromDefault => DefaultPipeline.Where(n => !Contains(n)).Distinct().ToArray();

    /// <summary>Parses <c>default</c> or a comma-separated list of pass names (<c>--passes</c>).</summary>
    public static IReadOnlyList<IGraphPass> Parse(string spec, PassContext? context = null)
    {
        var result = new List<IGraphPass>();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Equals("default", StringComparison.OrdinalIgnoreCase)) result.AddRange(Default(context));
            else result.Add(Create(part, context));
        }
        if (result.Count == 0 && !spec.Split(',').Any(p => p.Trim().Equals("default", StringComparison.OrdinalIgnoreCase)))
            throw new Errors.JitException("no pass named: give 'default' or a comma-separated list of pass names");
        return result;
    }
}
