namespace Jit.Cli;

/// <summary>How one fuzzed input ended (anything else is an escape, reported separately).</summary>
public enum FuzzOutcome
{
    /// <summary>Loaded and its forward graph built.</summary>
    Loaded,
    /// <summary>Rejected with a <see cref="Errors.JitFormatException"/>.</summary>
    FormatError,
    /// <summary>Rejected with another <see cref="Errors.JitException"/> (well-formed but unsupported content).</summary>
    OtherJitError,
}
