namespace Jit.Errors;

/// <summary>A graph breaks an IR invariant (found by <c>Graph.Lint</c>) or an IR mutation is illegal.</summary>
public class JitIrException : JitException
{
    public JitIrException(string message) : base(message) { }
}
