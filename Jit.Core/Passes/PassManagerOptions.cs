namespace Jit.Passes;

/// <summary>
/// How a <see cref="PassManager"/> checks and logs: lint after each pass, and which passes dump the
/// graph before and after (PyTorch's <c>PYTORCH_JIT_LOG_LEVEL</c>, spelled <c>JIT_LOG=Peephole,Freeze</c>
/// or <c>JIT_LOG=all</c>).
/// </summary>
public sealed class PassManagerOptions
{
    /// <summary>Run <c>Graph.Lint()</c> after every pass (tests always do).</summary>
    public bool Lint { get; init; }

    /// <summary>Pass names whose before/after graphs are dumped; <c>all</c> dumps every pass. Empty: no dumps.</summary>
    public IReadOnlySet<string> LogPasses { get; init; } = new HashSet<string>();

    /// <summary>Where dumps go; stderr unless a test injects a writer.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Options from the environment: <c>JIT_LOG</c> names the passes to dump, to stderr.</summary>
    public static PassManagerOptions FromEnvironment(bool lint = false) =>
        new() { Lint = lint, LogPasses = ParseLogSpec(Environment.GetEnvironmentVariable("JIT_LOG")) };

    /// <summary>The set of names in a <c>JIT_LOG</c> value (comma-separated; <c>all</c> for every pass).</summary>
    public static IReadOnlySet<string> ParseLogSpec(string? spec) =>
        (spec ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    internal bool Logs(string passName) => LogPasses.Contains("all") || LogPasses.Contains(passName);
}
