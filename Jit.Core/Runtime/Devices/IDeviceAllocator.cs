namespace Jit.Runtime.Devices;

/// <summary>A backend's device memory: allocation, and the count of bytes still allocated (tests read it to find leaks).</summary>
public interface IDeviceAllocator
{
    Device Device { get; }

    /// <summary>A new buffer of <paramref name="bytes"/> (contents undefined); <see cref="Errors.DeviceOutOfMemoryException"/> when the device has no room.</summary>
    DeviceBuffer Allocate(long bytes);

    /// <summary>Bytes allocated and not yet released.</summary>
    long LiveBytes { get; }

    /// <summary>Buffers allocated and not yet released.</summary>
    long LiveBuffers { get; }
}
