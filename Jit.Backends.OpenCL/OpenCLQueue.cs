using Jit.Backends.OpenCL.Native;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Silk.NET.OpenCL;

namespace Jit.Backends.OpenCL;

/// <summary>
/// An in-order <c>cl_command_queue</c> of an <see cref="OpenCLBackend"/>: launches and copies run in
/// the order enqueued. Uploads and downloads are blocking (the host span may be reused or read
/// when they return); device copies and launches are asynchronous until <see cref="Synchronize"/>.
/// Enqueueing from several threads is safe (OpenCL queues are thread-safe).
/// </summary>
public sealed class OpenCLQueue : IDeviceQueue
{
    private readonly CL _cl;
    private readonly OpenCLBackend _backend;
    private nint _handle;

    internal OpenCLQueue(OpenCLBackend backend, CL cl)
    {
        _backend = backend;
        _cl = cl;
        DeviceName = backend.Device.ToString();
        unsafe
        {
            int status;
            _handle = cl.CreateCommandQueue(backend.Context, backend.Info.DeviceId, CommandQueueProperties.None, &status);
            OpenCLApi.Check(status, "clCreateCommandQueue", DeviceName);
        }
    }

    public Device Device => _backend.Device;

    /// <summary>The device as errors name it (made once: checks on hot paths pass it).</summary>
    internal string DeviceName { get; }

    /// <summary>The backend whose context the queue belongs to.</summary>
    public OpenCLBackend Backend => _backend;

    /// <summary>The <c>cl_command_queue</c>; <see cref="ObjectDisposedException"/> once disposed.</summary>
    public nint Handle
    {
        get
        {
            nint h = Volatile.Read(ref _handle);
            ObjectDisposedException.ThrowIf(h == 0, this);
            return h;
        }
    }

    public unsafe void Upload(DeviceBuffer destination, long byteOffset, ReadOnlySpan<byte> source)
    {
        var dst = OpenCLBuffer.Of(destination, _backend, "upload");
        CheckRange(dst, byteOffset, source.Length, "upload");
        if (source.Length == 0) return;
        fixed (byte* p = source)
            OpenCLApi.Check(_cl.EnqueueWriteBuffer(Handle, dst.Handle, true, (nuint)byteOffset, (nuint)source.Length, p, 0, null, null),
                $"clEnqueueWriteBuffer({source.Length} bytes at {byteOffset})", DeviceName);
    }

    public unsafe void Download(DeviceBuffer source, long byteOffset, Span<byte> destination)
    {
        if (Recording is not null) throw new NotRecordableException("a download");
        var src = OpenCLBuffer.Of(source, _backend, "download");
        CheckRange(src, byteOffset, destination.Length, "download");
        if (destination.Length == 0)
        {
            Synchronize();
            return;
        }
        fixed (byte* p = destination)
            OpenCLApi.Check(_cl.EnqueueReadBuffer(Handle, src.Handle, true, (nuint)byteOffset, (nuint)destination.Length, p, 0, null, null),
                $"clEnqueueReadBuffer({destination.Length} bytes at {byteOffset})", DeviceName);
    }

    public unsafe void Copy(DeviceBuffer source, long sourceOffset, DeviceBuffer destination, long destinationOffset, long bytes)
    {
        var src = OpenCLBuffer.Of(source, _backend, "copy source");
        var dst = OpenCLBuffer.Of(destination, _backend, "copy destination");
        CheckRange(src, sourceOffset, bytes, "copy source");
        CheckRange(dst, destinationOffset, bytes, "copy destination");
        if (bytes == 0) return;
        if (Recording is { } recording)
        {
            recording.AddCopy(src, sourceOffset, dst, destinationOffset, bytes);
            return;
        }
        OpenCLApi.Check(_cl.EnqueueCopyBuffer(Handle, src.Handle, dst.Handle, (nuint)sourceOffset, (nuint)destinationOffset, (nuint)bytes, 0, null, null),
            $"clEnqueueCopyBuffer({bytes} bytes)", DeviceName);
    }

    public void Synchronize()
    {
        if (Recording is not null) throw new NotRecordableException("waiting for the queue");
        OpenCLApi.Check(_cl.Finish(Handle), "clFinish", DeviceName);
    }

    /// <summary>The recording in progress on this queue (<see cref="Record"/>); null when commands run.</summary>
    internal OpenCLRecording? Recording { get; private set; }

    /// <summary>
    /// Records the launches and device copies <paramref name="enqueue"/> makes on this queue instead
    /// of running them; uploads still run at once (their data is the recording's). A download or a
    /// wait throws <see cref="NotRecordableException"/>.
    /// </summary>
    public IRecordedRun? Record(Action enqueue)
    {
        if (Recording is not null) throw new InvalidOperationException($"{Device}: this queue is recording already");
        var recording = new OpenCLRecording(this, _cl);
        Recording = recording;
        try
        {
            enqueue();
        }
        catch
        {
            recording.Dispose();
            throw;
        }
        finally
        {
            Recording = null;
        }
        return recording;
    }

    /// <summary>Submits the queued commands to the device without waiting for them.</summary>
    public void Flush() => OpenCLApi.Check(_cl.Flush(Handle), "clFlush", DeviceName);

    private void CheckRange(OpenCLBuffer buffer, long offset, long length, string what)
    {
        if (offset < 0 || length < 0 || offset > buffer.ByteLength - length)
            throw new JitRuntimeException($"{Device}: {what} of [{offset}, {offset + length}) outside a buffer of {buffer.ByteLength} bytes");
    }

    /// <summary>Waits for the queued work, then releases the queue; a second call does nothing.</summary>
    public void Dispose()
    {
        nint h = Interlocked.Exchange(ref _handle, 0);
        if (h == 0) return;
        _cl.Finish(h);
        _cl.ReleaseCommandQueue(h);
    }
}
