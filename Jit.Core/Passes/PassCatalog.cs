namespace Jit.Passes;

/// <summary>
/// Every graph pass by name, in one explicit table (ILGPU's <c>Optimizer.cs</c>): no registry, no
/// reflection. Adding a pass is one line in <see cref="Entries"/>; <see cref="DefaultPipeline"/>
/// is the inference order of PyTorch's static runtime (<c>PrepareGraphForStaticModule</c>).
/// </summary>
public static class PassCatalog
{
    // Name -> factory. A factory, not an instance: a pass may keep per-run state.
    private static readonly (string Name, Func<IGraphPass> Create)[] Entries =
    [
        (nameof(Peephole), () => new Peephole()),
        (nameof(FoldConvBatchNorm), () => new FoldConvBatchNorm()),
        (nameof(PropagateShapes), () => new PropagateShapes()),
    ];

    /// <summary>
    /// The default inference pipeline, in order. Names not (yet) in the table are skipped by
    /// <see cref="Default"/> and listed by <see cref="MissingFromDefault"/>.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultPipeline =
    [
        "Inline", "Freeze", "ConstantPropagation", "Canonicalize", "RemoveTensorMutation",
        "EliminateNoOpSlice", "RemoveDropout", "EliminateDeadCode", "EliminateCommonSubexpression",
        nameof(Peephole), nameof(FoldConvBatchNorm), "ConstantPooling", "EliminateDeadCode",
        nameof(PropagateShapes),
    ];

    /// <summary>The names of every pass in the table, in table order.</summary>
    public static IReadOnlyList<string> Names => Entries.Select(e => e.Name).ToArray();

    public static bool Contains(string name) => Entries.Any(e => e.Name == name);

    public static bool TryCreate(string name, out IGraphPass pass)
    {
        foreach (var e in Entries)
        {
            if (e.Name != name) continue;
            pass = e.Create();
            return true;
        }
        pass = null!;
        return false;
    }

    /// <summary>A new instance of the pass named <paramref name="name"/>; an error naming the known passes if there is none.</summary>
    public static IGraphPass Create(string name) =>
        TryCreate(name, out var p) ? p
        : throw new Errors.JitException($"unknown pass '{name}'; known passes: {string.Join(", ", Names)} (or 'default')");

    /// <summary>The passes of <see cref="DefaultPipeline"/> that the table has, in order.</summary>
    public static IReadOnlyList<IGraphPass> Default() =>
        DefaultPipeline.Where(Contains).Select(Create).ToArray();

    /// <summary>Names of the default pipeline that the table lacks (empty once every pass is merged).</summary>
    public static IReadOnlyList<string> MissingFromDefault => DefaultPipeline.Where(n => !Contains(n)).Distinct().ToArray();

    /// <summary>Parses <c>default</c> or a comma-separated list of pass names (<c>--passes</c>).</summary>
    public static IReadOnlyList<IGraphPass> Parse(string spec)
    {
        var result = new List<IGraphPass>();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Equals("default", StringComparison.OrdinalIgnoreCase)) result.AddRange(Default());
            else result.Add(Create(part));
        }
        if (result.Count == 0 && !spec.Split(',').Any(p => p.Trim().Equals("default", StringComparison.OrdinalIgnoreCase)))
            throw new Errors.JitException("no pass named: give 'default' or a comma-separated list of pass names");
        return result;
    }
}
