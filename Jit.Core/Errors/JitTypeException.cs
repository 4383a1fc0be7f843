namespace Jit.Errors;

/// <summary>A value has the wrong type or dtype for where it is used.</summary>
public class JitTypeException : JitException
{
    public JitTypeException(string message) : base(message) { }
}
