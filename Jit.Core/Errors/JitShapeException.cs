namespace Jit.Errors;

/// <summary>Shapes do not fit together (broadcast, matmul, view). The message names the op and both shapes.</summary>
public class JitShapeException : JitException
{
    public JitShapeException(string message) : base(message) { }
}
