namespace Jit.Runtime.Devices;

/// <summary>
/// An in-order queue of device work: launches (enqueued by a backend's kernels) and copies; work
/// is asynchronous until <see cref="Synchronize"/> or a download. A backend has a default queue
/// (<see cref="IBackend.Queue"/>); a static runtime takes one of its own where the backend gives it
/// (<see cref="IBackend.CreateQueue"/>) and makes it the thread's current queue
/// (<see cref="DeviceQueues.Current"/>) for the length of a run: kernels, copies, and buffer reads
/// and writes of that backend go to the current queue when it is one of theirs.
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

    /// <summary>
    /// Records the device work <paramref name="enqueue"/> puts on this queue, without running it,
    /// as one replayable unit (a CUDA graph, a Vulkan command buffer); null when this queue cannot
    /// record (the default). The recording holds every buffer its commands use (kernel temporaries
    /// included) until disposed. An upload made while recording puts its bytes into the recording
    /// (the runtime uploads its inputs before a replay, outside it; a kernel's number argument is
    /// uploaded into a fresh buffer while recording). Work that needs the host mid-way (a
    /// download, a blocking read) cannot be recorded: the backend throws <see cref="NotRecordableException"/>, ends the
    /// recording and leaves the queue as it was. An exception from <paramref name="enqueue"/>
    /// likewise ends the recording, discards it and propagates.
    /// </summary>
    IRecordedRun? Record(Action enqueue) => null;
}

/// <summary>A recording made by <see cref="IDeviceQueue.Record"/>: the same commands on the same buffers, enqueued again by <see cref="Replay"/>.</summary>
public interface IRecordedRun : IDisposable
{
    /// <summary>Enqueues the recorded work on the queue it was recorded on (asynchronous, like the commands themselves).</summary>
    void Replay();
}

/// <summary>Thrown into a recording by work that needs the host (<see cref="IDeviceQueue.Record"/>); the caller runs the work unrecorded instead.</summary>
public sealed class NotRecordableException(string what) : Exception($"{what} cannot be recorded: it needs the host mid-way");
