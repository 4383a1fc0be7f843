using Jit.Runtime.Devices;
using Silk.NET.Vulkan;

namespace Jit.Backends.Vulkan;

/// <summary>
/// The commands one <see cref="VulkanQueue.Record"/> recorded, in a command buffer of their own
/// (as a CUDA graph holds a plan's launches): <see cref="Replay"/> submits it again, after the
/// queue's open work. It keeps the temporaries and argument blocks of its launches until
/// disposed; the other buffers it uses stay their owners' (the runtime's arena and weights).
/// </summary>
internal sealed class VulkanRecordedRun(VulkanQueue queue) : VulkanSubmission(queue, 0), IRecordedRun
{
    private readonly HashSet<VulkanBuffer> _used = [];
    private int _disposed;

    public override void Use(VulkanBuffer buffer)
    {
        base.Use(buffer);
        _used.Add(buffer);
    }

    /// <summary>Number of replays so far.</summary>
    public int Replays { get; private set; }

    public void Replay()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Queue.Replay(this);
        Replays++;
    }

    /// <summary>Submits the commands (under the queue's lock, the previous replay complete).</summary>
    public void Submit()
    {
        Queue.Backend.Submit(Commands, Fence);
        InFlight = true;
        foreach (var b in _used)
            if (!b.IsReleased) base.Use(b);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Queue.Forget(this);
        _used.Clear();
        Free(ReleaseAll());
        DestroyNative();
    }
}
