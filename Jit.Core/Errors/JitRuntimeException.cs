namespace Jit.Errors;

/// <summary>Running a graph failed: a kernel rejected its inputs, a script raised, an index was out of range.</summary>
public class JitRuntimeException : JitException
{
    public JitRuntimeException(string message, Exception? inner = null) : base(message, inner) { }
}
