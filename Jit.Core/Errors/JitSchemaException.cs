namespace Jit.Errors;

/// <summary>An operator is unknown, or no overload matches the arguments given.</summary>
public class JitSchemaException : JitException
{
    public JitSchemaException(string message) : base(message) { }
}
