namespace Jit.Errors;

/// <summary>A device allocation failed for want of memory; nothing of the failed call stays allocated.</summary>
public sealed class DeviceOutOfMemoryException : JitDeviceException
{
    public long RequestedBytes { get; }

    public DeviceOutOfMemoryException(string device, long requestedBytes, long liveBytes, long nativeCode = 0, string? nativeName = null)
        : base(device, $"out of device memory allocating {requestedBytes} bytes ({liveBytes} bytes live on this backend)", nativeCode, nativeName)
    {
        RequestedBytes = requestedBytes;
    }
}
