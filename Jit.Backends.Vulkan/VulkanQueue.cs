using Jit.Backends.Vulkan.Native;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Silk.NET.Vulkan;
using Device = Jit.Runtime.Device;

namespace Jit.Backends.Vulkan;

/// <summary>
/// An in-order queue of a <see cref="VulkanBackend"/>: launches and copies accumulate in an open
/// command buffer (a barrier after each), submitted with a fence at <see cref="Synchronize"/>, a
/// download, or every <see cref="MaxCommandsPerSubmit"/> commands. Uploads and downloads are
/// blocking; an upload to host-visible memory no queued command uses is a plain copy, else it goes
/// through a staging buffer. Thread-safe: one lock orders the threads' commands. Every queue of a
/// backend submits to the one device queue.
/// </summary>
public sealed unsafe class VulkanQueue : IDeviceQueue
{
    /// <summary>Commands after which the open command buffer is submitted without waiting.</summary>
    public const int MaxCommandsPerSubmit = 256;

    private readonly List<VulkanSubmission> _inFlight = [];
    private readonly Stack<VulkanBatch> _idle = new();
    private VulkanBatch? _open;
    private VulkanRecordedRun? _recording;
    private int _recordingThread;
    private CommandPool _pool;
    private int _disposed;

    internal VulkanQueue(VulkanBackend backend)
    {
        Backend = backend;
        var info = new CommandPoolCreateInfo
        {
            SType = StructureType.CommandPoolCreateInfo,
            Flags = CommandPoolCreateFlags.ResetCommandBufferBit,
            QueueFamilyIndex = (uint)backend.Info.QueueFamily,
        };
        CommandPool pool;
        VulkanApi.Check(backend.Vk.CreateCommandPool(backend.Handle, &info, null, &pool), "vkCreateCommandPool", backend.Device.ToString());
        _pool = pool;
    }

    public VulkanBackend Backend { get; }
    public Device Device => Backend.Device;

    internal object Gate { get; } = new();
    internal CommandPool Pool => _pool;

    private bool RecordingHere => _recording is not null && _recordingThread == Environment.CurrentManagedThreadId;

    /// <summary>Where the next command goes (under <see cref="Gate"/>): the recording of this thread, else the open command buffer.</summary>
    internal VulkanSubmission Target()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (RecordingHere) return _recording!;
        if (_open is null)
        {
            _open = _idle.Count > 0 ? _idle.Pop() : new VulkanBatch(this);
            _open.Begin();
        }
        return _open;
    }

    /// <summary>Counts a recorded command (under <see cref="Gate"/>); submits a long open command buffer.</summary>
    internal void Recorded(VulkanSubmission target)
    {
        target.CommandCount++;
        if (ReferenceEquals(target, _open) && target.CommandCount >= MaxCommandsPerSubmit) SubmitOpen();
    }

    private void SubmitOpen()
    {
        if (_open is not { CommandCount: > 0 } open) return;
        open.Submit();
        _inFlight.Add(open);
        _open = null;
    }

    public void Upload(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source)
    {
        var dst = VulkanBuffer.Of(destination, Backend, "upload");
        CheckRange(dst, byteOffset, source.Length, "upload");
        if (source.Length == 0) return;
        // While recording, the bytes become the recording's (a kernel's number argument, uploaded
        // into a fresh buffer): written now into mapped memory, or a staged copy the replays repeat.
        WaitForOtherQueue(dst);
        lock (Gate)
        {
            if (dst.Mapped != null && !PendingHere(dst))
            {
                source.CopyTo(new Span<byte>(dst.Mapped + byteOffset, source.Length));
                return;
            }
            var staging = Backend.Allocator.AllocateStaging(source.Length);
            source.CopyTo(new Span<byte>(staging.Mapped, source.Length));
            var target = Target();
            VulkanCommands.Copy(Backend.Vk, target.Commands, staging, 0, dst, byteOffset, source.Length);
            target.Hold(staging);
            target.Use(dst);
            Recorded(target);
        }
    }

    public void Download(DeviceBuffer source, long byteOffset, Span<byte> destination)
    {
        var src = VulkanBuffer.Of(source, Backend, "download");
        CheckRange(src, byteOffset, destination.Length, "download");
        if (RecordingHere) throw new NotRecordableException("a download to the host");
        WaitForOtherQueue(src);
        if (src.Mapped != null || destination.Length == 0)
        {
            Synchronize();
            if (destination.Length > 0) new ReadOnlySpan<byte>(src.Mapped + byteOffset, destination.Length).CopyTo(destination);
            return;
        }
        using var staging = Backend.Allocator.AllocateStaging(destination.Length);
        lock (Gate)
        {
            var target = Target();
            VulkanCommands.Copy(Backend.Vk, target.Commands, src, byteOffset, staging, 0, destination.Length);
            target.Use(src);
            target.Use(staging);
            Recorded(target);
        }
        Synchronize();
        new ReadOnlySpan<byte>(staging.Mapped, destination.Length).CopyTo(destination);
    }

    public void Copy(DeviceBuffer source, long sourceOffset, DeviceBuffer destination, long destinationOffset, long bytes)
    {
        var src = VulkanBuffer.Of(source, Backend, "copy source");
        var dst = VulkanBuffer.Of(destination, Backend, "copy destination");
        CheckRange(src, sourceOffset, bytes, "copy source");
        CheckRange(dst, destinationOffset, bytes, "copy destination");
        if (bytes == 0) return;
        lock (Gate)
        {
            var target = Target();
            VulkanCommands.Copy(Backend.Vk, target.Commands, src, sourceOffset, dst, destinationOffset, bytes);
            target.Use(src);
            target.Use(dst);
            Recorded(target);
        }
    }

    public void Synchronize()
    {
        if (RecordingHere) throw new NotRecordableException("waiting for the device");
        List<VulkanBuffer>? free = null;
        lock (Gate)
        {
            SubmitOpen();
            WaitAll(ref free);
        }
        Free(free);
    }

    /// <summary>
    /// Records what <paramref name="enqueue"/> puts on this queue from this thread into a command
    /// buffer of its own, run by <see cref="IRecordedRun.Replay"/>. Uploads inside become part of
    /// the recording; downloads and waits throw <see cref="NotRecordableException"/>.
    /// </summary>
    public IRecordedRun? Record(Action enqueue)
    {
        VulkanRecordedRun run;
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_recording is not null) throw new JitRuntimeException($"{Device}: a queue records one run at a time");
            run = new VulkanRecordedRun(this);
            run.Begin();
            _recording = run;
            _recordingThread = Environment.CurrentManagedThreadId;
        }
        try
        {
            enqueue();
            lock (Gate) run.End();
            return run;
        }
        catch
        {
            lock (Gate) _recording = null;
            run.Dispose();
            throw;
        }
        finally
        {
            lock (Gate) _recording = null;
        }
    }

    internal void Replay(VulkanRecordedRun run)
    {
        List<VulkanBuffer>? free = null;
        lock (Gate)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (run.InFlight) Wait(run, ref free);
            SubmitOpen();
            run.Submit();
            _inFlight.Add(run);
        }
        Free(free);
    }

    /// <summary>Waits for a recording's last replay and stops tracking it (it is being disposed).</summary>
    internal void Forget(VulkanRecordedRun run)
    {
        List<VulkanBuffer>? free = null;
        lock (Gate)
        {
            if (run.InFlight) Wait(run, ref free);
        }
        Free(free);
    }

    // Under Gate.
    private void WaitAll(ref List<VulkanBuffer>? free)
    {
        while (_inFlight.Count > 0) Wait(_inFlight[0], ref free);
    }

    // Under Gate.
    private void Wait(VulkanSubmission s, ref List<VulkanBuffer>? free)
    {
        var fence = s.Fence;
        var result = Backend.Vk.WaitForFences(Backend.Handle, 1, &fence, true, ulong.MaxValue);
        VulkanApi.Check(result, "vkWaitForFences", Backend.DeviceName);
        _inFlight.Remove(s);
        var done = s.Complete(keepHeld: s is VulkanRecordedRun);
        if (done is not null) (free ??= []).AddRange(done);
        if (s is VulkanBatch batch) _idle.Push(batch);
    }

    private static void Free(List<VulkanBuffer>? buffers) => VulkanSubmission.Free(buffers);

    // Whether commands of this queue that have not completed use the buffer (under Gate).
    private bool PendingHere(VulkanBuffer b) =>
        b.LastUse is { } use && ReferenceEquals(use.Queue, this) && use.IsPendingAt(b.LastUseSerial);

    private void WaitForOtherQueue(VulkanBuffer b)
    {
        if (b.LastUse is { } use && !ReferenceEquals(use.Queue, this) && use.IsPendingAt(b.LastUseSerial) && !use.Queue.IsDisposed)
            use.Queue.Synchronize();
    }

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    private void CheckRange(VulkanBuffer buffer, long offset, long length, string what)
    {
        if (offset < 0 || length < 0 || offset > buffer.ByteLength - length)
            throw new JitRuntimeException($"{Device}: {what} of [{offset}, {offset + length}) outside a buffer of {buffer.ByteLength} bytes");
    }

    /// <summary>Waits for the queued work, then releases the command buffers and the pool; a second call does nothing.</summary>
    public void Dispose()
    {
        if (Volatile.Read(ref _disposed) != 0) return;
        if (!Backend.IsClosed)
        {
            try { Synchronize(); }
            catch (JitDeviceException) { /* a lost device: release what we can */ }
        }
        lock (Gate)
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _open?.Destroy();
            _open = null;
            while (_idle.Count > 0) _idle.Pop().Destroy();
            if (!Backend.IsClosed) Backend.Vk.DestroyCommandPool(Backend.Handle, _pool, null);
            _pool = default;
        }
        Backend.Forget(this);
    }
}
