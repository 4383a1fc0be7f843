namespace Jit.Errors;

/// <summary>A device was asked for whose backend is not registered or cannot start; says which library or driver is missing.</summary>
public class DeviceUnavailableException : JitException
{
    public string Backend { get; }

    public DeviceUnavailableException(string backend, string reason)
        : base($"device '{backend}' is unavailable: {reason}")
    {
        Backend = backend;
    }
}
