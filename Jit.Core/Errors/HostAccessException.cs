namespace Jit.Errors;

/// <summary>
/// Host-only access (spans, element reads) to a tensor whose storage is device memory: its bytes
/// are not in this process's memory. Copy it first (<c>Tensor.ToHost()</c>).
/// </summary>
public sealed class HostAccessException : JitRuntimeException
{
    public HostAccessException(string device)
        : base($"the tensor's data is on device '{device}', not on the host; copy it to the host first (Tensor.ToHost())") { }
}
