namespace Jit.Errors;

/// <summary>Root of every error the runtime raises on purpose. Its message says what went wrong and where.</summary>
public class JitException : Exception
{
    private readonly List<string> _context = [];

    public JitException(string message) : base(message) { }
    public JitException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>Where the error happened, innermost first (a node, a method, a file), added as it propagates.</summary>
    public IReadOnlyList<string> Context => _context;

    /// <summary>The first line of the message: what went wrong, without the context lines.</summary>
    public string What => base.Message;

    public override string Message =>
        _context.Count == 0 ? base.Message : base.Message + string.Concat(_context.Select(c => "\n  " + c));

    /// <summary>Adds a line of context ("while running node …") and returns the same exception to rethrow.</summary>
    public JitException WithContext(string where)
    {
        _context.Add(where);
        return this;
    }
}
