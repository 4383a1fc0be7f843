using Jit.Backends.OpenCL.Native;
using Jit.Runtime.Devices;
using Silk.NET.OpenCL;

namespace Jit.Backends.OpenCL;

/// <summary>
/// The launches and copies one <see cref="OpenCLQueue.Record"/> saw, with their arguments bound:
/// each launch has a <c>cl_kernel</c> of its own (arguments live on the kernel object), so a replay
/// is one clEnqueueNDRangeKernel per launch and nothing else. The recording keeps every buffer its
/// commands use alive, and owns (and releases) the temporaries made while recording.
/// </summary>
internal sealed class OpenCLRecording(OpenCLQueue queue, CL cl) : IRecordedRun
{
    private readonly List<Command> _commands = [];
    private readonly HashSet<OpenCLBuffer> _used = new(ReferenceEqualityComparer.Instance);
    private readonly List<OpenCLBuffer> _owned = [];
    private bool _disposed;

    private readonly record struct Command(nint Kernel, nuint Global, nuint Local, nint Source, nint Destination, nuint SourceOffset, nuint DestinationOffset, nuint Bytes)
    {
        public bool IsCopy => Kernel == 0;
    }

    public int Count => _commands.Count;

    /// <summary>A launch of <paramref name="entry"/> with <paramref name="args"/> bound on a kernel object of its own.</summary>
    public void AddLaunch(OpenCLProgram program, string entry, ReadOnlySpan<KernelArg> args, long globalSize, long localSize)
    {
        nint kernel = program.CreateKernel(entry);
        try
        {
            program.SetArguments(kernel, entry, args);
        }
        catch
        {
            cl.ReleaseKernel(kernel);
            throw;
        }
        _commands.Add(new Command(kernel, (nuint)globalSize, (nuint)localSize, 0, 0, 0, 0, 0));
    }

    public void AddCopy(OpenCLBuffer source, long sourceOffset, OpenCLBuffer destination, long destinationOffset, long bytes)
    {
        Keep(source);
        Keep(destination);
        _commands.Add(new Command(0, 0, 0, source.Handle, destination.Handle, (nuint)sourceOffset, (nuint)destinationOffset, (nuint)bytes));
    }

    /// <summary>Holds <paramref name="buffer"/> for as long as the recording may replay commands on it.</summary>
    public void Keep(OpenCLBuffer buffer) => _used.Add(buffer);

    /// <summary>A temporary made while recording: kept, and released with the recording.</summary>
    public void Own(OpenCLBuffer buffer)
    {
        Keep(buffer);
        _owned.Add(buffer);
    }

    public unsafe void Replay()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        string device = queue.DeviceName;
        foreach (var c in _commands)
        {
            if (c.IsCopy)
            {
                OpenCLApi.Check(cl.EnqueueCopyBuffer(queue.Handle, c.Source, c.Destination, c.SourceOffset, c.DestinationOffset, c.Bytes, 0, null, null),
                    $"replay: clEnqueueCopyBuffer({c.Bytes} bytes)", device);
                continue;
            }
            nuint global = c.Global, local = c.Local;
            OpenCLApi.Check(cl.EnqueueNdrangeKernel(queue.Handle, c.Kernel, 1, null, &global, &local, 0, null, null),
                $"replay: clEnqueueNDRangeKernel(global {global}, local {local})", device);
        }
    }

    /// <summary>Releases the kernel objects and the owned temporaries (after the queued replays finish).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var c in _commands)
            if (!c.IsCopy) cl.ReleaseKernel(c.Kernel);
        _commands.Clear();
        foreach (var b in _owned) b.Dispose();
        _used.Clear();
    }
}
