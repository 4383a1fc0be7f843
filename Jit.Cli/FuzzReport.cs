namespace Jit.Cli;

/// <summary>What a <see cref="ModuleFuzzer"/> run did: counts per outcome, timing, and the first escape if any.</summary>
public sealed record FuzzReport(
    int Seed,
    long Iterations,
    long Loaded,
    long FormatErrors,
    long OtherJitErrors,
    TimeSpan Elapsed,
    double SlowestMs,
    long SlowestIteration,
    (long Iteration, Exception Error)? Escape)
{
    public bool Passed => Escape is null;

    /// <summary>The line that tells a reader how to replay the escape.</summary>
    public string EscapeLine => Escape is { } e
        ? $"seed {Seed}, iteration {e.Iteration}: {e.Error.GetType().FullName}: {e.Error.Message}"
        : "";
}
