namespace Jit.Runtime.Devices;

/// <summary>
/// An in-order queue of device work: launches (enqueued by a backend's kernels) and copies. Each
/// static runtime owns one; work is asynchronous until <see cref="Synchronize"/> or a download.
/// </summary>
public interface IDeviceQueue : IDisposable
{
    Device Device { get; }

    /// <summary>Enqueues a copy of host bytes to the device; <paramref name="source"/> may be reused when this returns.</summary>
    void Upload(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source);

    /// <summary>Waits for the queued work, then copies device bytes to the host.</summary>
    void Download(DeviceBuffer source, long byteOffset, Span<byte> destination);

    /// <summary>Enqueues a device-to-device copy.</summary>
    void Copy(DeviceBuffer source, long sourceOffset, DeviceBuffer destination, long destinationOffset, long bytes);

    /// <summary>Waits until every enqueued command has finished.</summary>
    void Synchronize();
}
