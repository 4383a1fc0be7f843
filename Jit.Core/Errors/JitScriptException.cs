namespace Jit.Errors;

/// <summary>The model itself raised (TorchScript <c>raise</c>, <c>prim::RaiseException</c>).</summary>
public class JitScriptException : JitRuntimeException
{
    public JitScriptException(string message) : base(message) { }
}
