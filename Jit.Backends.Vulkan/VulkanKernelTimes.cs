using System.Collections.Concurrent;

namespace Jit.Backends.Vulkan;

/// <summary>
/// Device time per kernel from timestamp queries written around each launch (when
/// <see cref="Enabled"/>, and the compute queue has timestamps): what <c>jit bench --profile</c>
/// prints on <c>vulkan</c>, read when a submission's fence has signalled. Thread-safe.
/// </summary>
public sealed class VulkanKernelTimes
{
    private readonly ConcurrentDictionary<string, (double Nanoseconds, long Launches)> _times = new(StringComparer.Ordinal);

    /// <summary>Write timestamps around each launch recorded from now on.</summary>
    public bool Enabled { get; set; }

    internal void Add(string kernel, double nanoseconds) =>
        _times.AddOrUpdate(kernel, (nanoseconds, 1), (_, t) => (t.Nanoseconds + nanoseconds, t.Launches + 1));

    /// <summary>Each kernel's total device time (µs) and launches so far, longest first.</summary>
    public IReadOnlyList<(string Kernel, double Microseconds, long Launches)> Snapshot() =>
        [.. _times.Select(kv => (kv.Key, kv.Value.Nanoseconds / 1000, kv.Value.Launches)).OrderByDescending(t => t.Item2)];

    public void Reset() => _times.Clear();
}
