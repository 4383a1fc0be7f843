namespace Jit.Errors;

/// <summary>Text (IR graph, schema string) could not be parsed. Carries the line and column.</summary>
public class JitParseException : JitException
{
    public int Line { get; }
    public int Column { get; }
    public string? SourceName { get; }

    public JitParseException(string message, int line, int column, string? sourceName = null)
        : base($"{sourceName ?? "<text>"}:{line}:{column}: {message}")
    {
        Line = line;
        Column = column;
        SourceName = sourceName;
    }
}
