using System.Diagnostics;
using Jit.Errors;
using Jit.Ir;

namespace Jit.Passes;

/// <summary>
/// Runs an explicit list of passes in order (the pipeline is plain data; see <see cref="PassCatalog"/>),
/// linting after each when asked and dumping the graph around the passes <c>JIT_LOG</c> names.
/// </summary>
public sealed class PassManager
{
    private readonly List<(string Name, TimeSpan Time, bool Changed)> _timings = [];

    public PassManager(IEnumerable<IGraphPass> passes, PassManagerOptions? options = null)
    {
        Passes = passes.ToArray();
        Options = options ?? new PassManagerOptions();
    }

    public IReadOnlyList<IGraphPass> Passes { get; }
    public PassManagerOptions Options { get; }

    /// <summary>Per pass of the last <see cref="Run"/>: its name, how long it took, whether it changed the graph.</summary>
    public IReadOnlyList<(string Name, TimeSpan Time, bool Changed)> Timings => _timings;

    /// <summary>The default inference pipeline (the passes of <see cref="PassCatalog.DefaultPipeline"/> the catalog has).</summary>
    public static PassManager Default(PassManagerOptions? options = null, PassContext? context = null) =>
        new(PassCatalog.Default(context), options);

    /// <summary>The passes named in <paramref name="spec"/>: <c>default</c> or <c>Peephole,FoldConvBatchNorm</c>.</summary>
    public static PassManager FromSpec(string spec, PassManagerOptions? options = null, PassContext? context = null) =>
        new(PassCatalog.Parse(spec, context), options);

    /// <summary>Runs every pass once, in order; returns whether any changed the graph.</summary>
    public bool Run(Graph graph)
    {
        _timings.Clear();
        bool any = false;
        foreach (var pass in Passes)
        {
            bool log = Options.Logs(pass.Name);
            var writer = Options.Log ?? Console.Error;
            if (log) writer.Write($"[JIT_LOG] before {pass.Name}:\n{graph}");
            var sw = Stopwatch.StartNew();
            bool changed = pass.Run(graph);
            sw.Stop();
            _timings.Add((pass.Name, sw.Elapsed, changed));
            any |= changed;
            if (log) writer.Write($"[JIT_LOG] after {pass.Name} ({(changed ? "changed" : "unchanged")}):\n{graph}");
            if (Options.Lint)
            {
                try
                {
                    graph.Lint();
                }
                catch (JitException e)
                {
                    throw e.WithContext($"after pass {pass.Name}");
                }
            }
        }
        return any;
    }
}
