namespace Jit.Errors;

/// <summary>A device string such as <c>cuda:x</c> is malformed.</summary>
public class JitDeviceStringException : JitException
{
    public JitDeviceStringException(string message) : base(message) { }
}
