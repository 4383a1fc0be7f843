using Jit.Backends.Vulkan.Native;
using Silk.NET.Vulkan;

namespace Jit.Backends.Vulkan;

/// <summary>
/// A command buffer of one <see cref="VulkanQueue"/> with its fence and what its commands use:
/// buffers it keeps alive until the commands complete (temporaries, staging, argument blocks) and
/// buffers released while it was pending, freed when it completes. A buffer names its last
/// submission and that submission's <see cref="Serial"/> then (<see cref="Use"/>); the serial
/// moves on at each completion, so a buffer whose serial is old is idle.
/// </summary>
internal abstract unsafe class VulkanSubmission
{
    private readonly List<VulkanBuffer> _deferred = [];
    private readonly List<VulkanBuffer> _held = [];
    private VulkanArgumentArena? _arguments;
    private long _serial;
    // Timestamp queries: a pair per timed launch, the kernels' names in order.
    private const int MaxTimedLaunches = 256;
    private readonly List<string> _timed = [];
    private QueryPool _queries;

    protected VulkanSubmission(VulkanQueue queue, CommandBufferUsageFlags usage)
    {
        Queue = queue;
        Usage = usage;
        var backend = queue.Backend;
        var info = new CommandBufferAllocateInfo
        {
            SType = StructureType.CommandBufferAllocateInfo,
            CommandPool = queue.Pool,
            Level = CommandBufferLevel.Primary,
            CommandBufferCount = 1,
        };
        CommandBuffer commands;
        VulkanApi.Check(backend.Vk.AllocateCommandBuffers(backend.Handle, &info, &commands), "vkAllocateCommandBuffers", backend.Device.ToString());
        Commands = commands;
        var fenceInfo = new FenceCreateInfo { SType = StructureType.FenceCreateInfo };
        Fence fence;
        VulkanApi.Check(backend.Vk.CreateFence(backend.Handle, &fenceInfo, null, &fence), "vkCreateFence", backend.Device.ToString());
        Fence = fence;
        if (backend.Info.QueueHasTimestamps)
        {
            var queryInfo = new QueryPoolCreateInfo { SType = StructureType.QueryPoolCreateInfo, QueryType = QueryType.Timestamp, QueryCount = 2 * MaxTimedLaunches };
            QueryPool pool;
            VulkanApi.Check(backend.Vk.CreateQueryPool(backend.Handle, &queryInfo, null, &pool), "vkCreateQueryPool", backend.Device.ToString());
            _queries = pool;
        }
    }

    /// <summary>
    /// Writes the timestamp before a launch of <paramref name="kernel"/> when timing is on and
    /// there is room; returns the query to pass to <see cref="EndTiming"/>, else -1.
    /// </summary>
    public int BeginTiming(string kernel)
    {
        if (!Queue.Backend.KernelTimes.Enabled || _queries.Handle == 0 || _timed.Count == MaxTimedLaunches) return -1;
        int query = 2 * _timed.Count;
        _timed.Add(kernel);
        Queue.Backend.Vk.CmdWriteTimestamp(Commands, PipelineStageFlags.TopOfPipeBit, _queries, (uint)query);
        return query;
    }

    /// <summary>Writes the timestamp after the launch begun at <paramref name="query"/> (nothing for -1).</summary>
    public void EndTiming(int query)
    {
        if (query >= 0) Queue.Backend.Vk.CmdWriteTimestamp(Commands, PipelineStageFlags.BottomOfPipeBit, _queries, (uint)query + 1);
    }

    // After the fence: each timed launch's device time into the backend's totals.
    private void ReadTimings()
    {
        if (_timed.Count == 0) return;
        var backend = Queue.Backend;
        var stamps = new ulong[2 * _timed.Count];
        fixed (ulong* p = stamps)
        {
            var result = backend.Vk.GetQueryPoolResults(backend.Handle, _queries, 0, (uint)stamps.Length, (nuint)(stamps.Length * 8), p, 8,
                QueryResultFlags.Result64Bit | QueryResultFlags.ResultWaitBit);
            if (result != Result.Success) return;
        }
        for (int i = 0; i < _timed.Count; i++)
            backend.KernelTimes.Add(_timed[i], (stamps[2 * i + 1] - stamps[2 * i]) * (double)backend.Info.TimestampPeriodNs);
    }

    public VulkanQueue Queue { get; }
    public CommandBuffer Commands { get; }
    public Fence Fence { get; }
    protected CommandBufferUsageFlags Usage { get; }

    /// <summary>Commands recorded since the buffer began.</summary>
    public int CommandCount { get; set; }

    /// <summary>True between the submit and the completion.</summary>
    public bool InFlight { get; protected set; }

    /// <summary>Marks <paramref name="buffer"/> as used by this submission's commands (under the queue's lock).</summary>
    public virtual void Use(VulkanBuffer buffer)
    {
        buffer.LastUse = this;
        buffer.LastUseSerial = _serial;
    }

    /// <summary>Keeps <paramref name="buffer"/> until the commands complete, then disposes it (under the queue's lock).</summary>
    public void Hold(VulkanBuffer buffer)
    {
        Use(buffer);
        _held.Add(buffer);
    }

    /// <summary>Where launches put argument blocks that do not fit the push constants.</summary>
    public VulkanArgumentArena Arguments => _arguments ??= new VulkanArgumentArena(Queue.Backend, this);

    /// <summary>Whether uses made at <paramref name="serial"/> may not have completed (a racy read is safe: serials only grow).</summary>
    public bool IsPendingAt(long serial) => serial == Volatile.Read(ref _serial);

    /// <summary>Whether a buffer last used at <paramref name="serial"/> may still be in use; if so it is freed at completion.</summary>
    public bool TryDefer(VulkanBuffer buffer, long serial)
    {
        lock (Queue.Gate)
        {
            if (serial != _serial) return false;
            _deferred.Add(buffer);
            return true;
        }
    }

    /// <summary>Begins the command buffer, with a barrier ordering it after every earlier submission on the device queue.</summary>
    public void Begin()
    {
        var vk = Queue.Backend.Vk;
        var info = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = Usage };
        VulkanApi.Check(vk.BeginCommandBuffer(Commands, &info), "vkBeginCommandBuffer", Queue.Backend.DeviceName);
        if (_queries.Handle != 0) vk.CmdResetQueryPool(Commands, _queries, 0, 2 * MaxTimedLaunches);
        VulkanCommands.Barrier(vk, Commands);
        CommandCount = 0;
        _timed.Clear();
    }

    /// <summary>Ends the command buffer with a barrier making its writes visible to the host.</summary>
    public void End()
    {
        var vk = Queue.Backend.Vk;
        VulkanCommands.BarrierToHost(vk, Commands);
        VulkanApi.Check(vk.EndCommandBuffer(Commands), "vkEndCommandBuffer", Queue.Backend.DeviceName);
    }

    /// <summary>
    /// After the fence signalled (under the queue's lock): moves the serial on and returns the
    /// buffers to free, which the caller frees outside the lock. <paramref name="keepHeld"/>
    /// keeps every buffer (a recording replays on them again, until disposed).
    /// </summary>
    public List<VulkanBuffer>? Complete(bool keepHeld)
    {
        var vk = Queue.Backend.Vk;
        var fence = Fence;
        vk.ResetFences(Queue.Backend.Handle, 1, &fence);
        InFlight = false;
        Interlocked.Increment(ref _serial);
        ReadTimings();
        // A recording replays on its buffers again: it frees them only when disposed.
        if (keepHeld) return null;
        _arguments?.Reset();
        if (_deferred.Count == 0 && _held.Count == 0) return null;
        var free = new List<VulkanBuffer>(_deferred);
        free.AddRange(_held);
        _deferred.Clear();
        _held.Clear();
        return free;
    }

    /// <summary>Everything this submission still holds, for disposal (after its fence, or never submitted).</summary>
    protected List<VulkanBuffer> ReleaseAll()
    {
        var all = new List<VulkanBuffer>(_deferred);
        all.AddRange(_held);
        _deferred.Clear();
        _held.Clear();
        _arguments?.Dispose();
        _arguments = null;
        return all;
    }

    /// <summary>Destroys the fence and frees the command buffer (the commands are complete or were never submitted).</summary>
    protected void DestroyNative()
    {
        var backend = Queue.Backend;
        if (backend.IsClosed) return;
        var commands = Commands;
        // A disposed queue's pool took its command buffers with it.
        if (!Queue.IsDisposed) backend.Vk.FreeCommandBuffers(backend.Handle, Queue.Pool, 1, &commands);
        backend.Vk.DestroyFence(backend.Handle, Fence, null);
        if (_queries.Handle != 0) backend.Vk.DestroyQueryPool(backend.Handle, _queries, null);
    }

    /// <summary>Frees released buffers: held ones are disposed (their own release), deferred ones freed at once.</summary>
    public static void Free(List<VulkanBuffer>? buffers)
    {
        if (buffers is null) return;
        foreach (var b in buffers)
        {
            if (b.IsReleased) b.FreeNow();
            else
            {
                b.LastUse = null;
                b.Dispose();
            }
        }
    }
}
