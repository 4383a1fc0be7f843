using Jit.Errors;

namespace Jit.Cli;

/// <summary>Where the CLI writes, and how it reports a failure: one line on stderr, a non-zero exit code.</summary>
public sealed class CliOutput(TextWriter output, TextWriter error)
{
    public const int ExitError = 1;
    public const int ExitInternal = 70;

    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;

    public int Fail(Exception e)
    {
        if (e is JitException je)
        {
            Error.WriteLine($"jit: error: {OneLine(je.Message)}");
            return ExitError;
        }
        Error.WriteLine($"jit: internal error ({e.GetType().Name}): {OneLine(e.Message)}");
        return ExitInternal;
    }

    private static string OneLine(string s) => string.Join("; ", s.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Runs a command body, turning any exception into the one-line report.</summary>
    public int Guard(Func<int> body)
    {
        try { return body(); }
        catch (Exception e) { return Fail(e); }
    }
}
