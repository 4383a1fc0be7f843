using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;

using Device = Jit.Runtime.Device;

namespace Jit.Backends.Cuda;

/// <summary>
/// One stream of a <see cref="CudaBackend"/> (an ILGPU accelerator stream; a CUDA stream on a GPU):
/// launches and copies run in order. Uploads return once the host bytes are copied out (the span
/// may then be reused): on a GPU into a pinned ring (<see cref="PinnedStaging"/>), from which the
/// copy runs asynchronously; downloads wait for the stream first; device copies and launches are
/// asynchronous until <see cref="Synchronize"/>. On a GPU, <see cref="Record"/> captures the work
/// into a CUDA graph (<see cref="CudaGraphRecording"/>).
/// </summary>
public sealed class CudaQueue : IDeviceQueue
{
    private readonly bool _owned;
    private readonly List<DeviceBuffer> _pending = [];
    // On a GPU: uploads go through pinned memory; null on the CPU accelerator.
    private readonly PinnedStaging? _staging;
    private int _disposed;

    internal CudaQueue(CudaBackend backend, AcceleratorStream stream, bool owned)
    {
        Backend = backend;
        Stream = stream;
        _owned = owned;
        if (NativeStream != 0) _staging = new PinnedStaging(this, StagingBytes);
    }

    public CudaBackend Backend { get; }

    public Device Device => Backend.Device;

    internal AcceleratorStream Stream { get; }

    /// <summary>The pinned ring each GPU queue uploads through (allocated at the first upload).</summary>
    public const long StagingBytes = 4 << 20;

    /// <summary>The CUstream on a GPU (0 on the CPU accelerator).</summary>
    internal nint NativeStream => Stream is CudaStream cuda ? cuda.StreamPtr : 0;

    /// <summary>The recording under way on this queue, if any (kernel temporaries are handed to it).</summary>
    internal CudaGraphRecording? Recording { get; set; }

    public void Upload(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source)
    {
        // A graph's copy node cannot read pageable host memory the caller reuses.
        if (Recording is not null) throw new NotRecordableException("an upload from host memory");
        var dst = CudaBuffer.Of(destination, Backend, "upload");
        CheckRange(dst, byteOffset, source.Length, "upload");
        if (source.Length == 0) return;
        if (_staging is not null)
        {
            lock (_staging)
            {
                Backend.Accelerator.Bind();
                if (_staging.TryUpload((ulong)(dst.Memory.NativePtr + byteOffset), source)) return;
            }
        }
        // ILGPU's copy from pageable memory: the driver stages it and returns once the span is read.
        dst.View.SubView(byteOffset, source.Length).CopyFromCPU(Stream, source);
    }

    public void Download(DeviceBuffer source, long byteOffset, Span<byte> destination)
    {
        if (Recording is not null) throw new NotRecordableException("a download");
        var src = CudaBuffer.Of(source, Backend, "download");
        CheckRange(src, byteOffset, destination.Length, "download");
        Synchronize();
        if (destination.Length == 0) return;
        src.View.SubView(byteOffset, destination.Length).CopyToCPU(Stream, destination);
        Stream.Synchronize();
    }

    public void Copy(DeviceBuffer source, long sourceOffset, DeviceBuffer destination, long destinationOffset, long bytes)
    {
        var src = CudaBuffer.Of(source, Backend, "copy source");
        var dst = CudaBuffer.Of(destination, Backend, "copy destination");
        CheckRange(src, sourceOffset, bytes, "copy source");
        CheckRange(dst, destinationOffset, bytes, "copy destination");
        if (bytes == 0) return;
        src.View.SubView(sourceOffset, bytes).CopyTo(Stream, dst.View.SubView(destinationOffset, bytes));
    }

    public void Synchronize()
    {
        if (Recording is not null) throw new NotRecordableException("waiting for the device");
        Stream.Synchronize();
        ReleasePending();
        if (_staging is not null) lock (_staging) _staging.Reset();
    }

    /// <summary>
    /// Captures what <paramref name="enqueue"/> puts on this stream as a CUDA graph; null where the
    /// device cannot capture (ILGPU's CPU accelerator has no graphs).
    /// </summary>
    public IRecordedRun? Record(Action enqueue) =>
        NativeStream != 0 ? CudaGraphRecording.Capture(this, NativeStream, enqueue) : null;

    /// <summary>
    /// Frees a kernel's temporary once the work using it is done: at this queue's next
    /// synchronization (a kernel may still be reading it), or with the recording under way.
    /// </summary>
    internal void ReleaseAfterUse(DeviceBuffer buffer)
    {
        if (Recording is { } recording)
        {
            recording.Hold(buffer);
            return;
        }
        lock (_pending) _pending.Add(buffer);
    }

    private void ReleasePending()
    {
        DeviceBuffer[] done;
        lock (_pending)
        {
            if (_pending.Count == 0) return;
            done = [.. _pending];
            _pending.Clear();
        }
        foreach (var b in done) b.Dispose();
    }

    private void CheckRange(CudaBuffer buffer, long offset, long length, string what)
    {
        if (offset < 0 || length < 0 || offset > buffer.ByteLength - length)
            throw new JitRuntimeException($"{Device}: {what} of [{offset}, {offset + length}) outside a buffer of {buffer.ByteLength} bytes");
    }

    /// <summary>Waits for the queued work, then releases the stream (if this queue made it); a second call does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            Stream.Synchronize();
            ReleasePending();
        }
        finally
        {
            _staging?.Dispose();
            if (_owned) Stream.Dispose();
        }
    }
}
