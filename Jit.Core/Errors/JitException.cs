namespace Jit.Errors;

/// <summary>Root of every error the runtime raises on purpose. Its message says what went wrong and where.</summary>
public class JitException : Exception
{
    public JitException(string message) : base(message) { }
    public JitException(string message, Exception? inner) : base(message, inner) { }
}
