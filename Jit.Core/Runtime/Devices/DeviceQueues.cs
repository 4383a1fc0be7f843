namespace Jit.Runtime.Devices;

/// <summary>
/// The thread's current device queue, as PyTorch's current CUDA stream is per thread: a static
/// runtime makes its own queue current for the length of a run, and a backend's kernels, copies
/// and buffer reads and writes enqueue on it when it is one of that backend's queues (else on the
/// backend's default queue). Concurrent runtimes thus never share a queue, and a recording
/// (<see cref="IDeviceQueue.Record"/>) sees only its runtime's work.
/// </summary>
public static class DeviceQueues
{
    [ThreadStatic] private static IDeviceQueue? _current;

    /// <summary>The queue set by the innermost <see cref="Use"/> on this thread; null when none.</summary>
    public static IDeviceQueue? Current => _current;

    /// <summary>Makes <paramref name="queue"/> current until the returned scope is disposed (null: none).</summary>
    public static Scope Use(IDeviceQueue? queue)
    {
        var previous = _current;
        _current = queue;
        return new Scope(previous);
    }

    /// <summary>Restores the queue that was current before <see cref="Use"/>.</summary>
    public readonly struct Scope(IDeviceQueue? previous) : IDisposable
    {
        public void Dispose() => _current = previous;
    }
}
