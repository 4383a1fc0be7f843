using System.Collections.Concurrent;
using Jit.Backends.OpenCL.Native;
using Jit.Errors;
using Silk.NET.OpenCL;

namespace Jit.Backends.OpenCL;

/// <summary>
/// A built <c>cl_program</c> of one backend, owned by its <see cref="OpenCLProgramCache"/>. Launches
/// take a <c>cl_kernel</c> for the entry from a pool (clSetKernelArg is not thread-safe on one
/// kernel object), set its arguments, enqueue, and give it back: concurrent launches never share
/// one kernel object while setting arguments.
/// </summary>
public sealed class OpenCLProgram : IDisposable
{
    private readonly CL _cl;
    private readonly OpenCLBackend _backend;
    private readonly ConcurrentDictionary<string, ConcurrentBag<nint>> _pools = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<nint> _allKernels = [];
    private nint _handle;

    internal OpenCLProgram(OpenCLBackend backend, CL cl, nint handle, string name, bool loadedFromDisk)
    {
        _backend = backend;
        _cl = cl;
        _handle = handle;
        Name = name;
        LoadedFromDisk = loadedFromDisk;
    }

    /// <summary>What the program is for (a kernel's name), for messages.</summary>
    public string Name { get; }

    /// <summary>True when the program came from the disk cache's binary instead of a compile.</summary>
    public bool LoadedFromDisk { get; }

    public nint Handle
    {
        get
        {
            nint h = Volatile.Read(ref _handle);
            ObjectDisposedException.ThrowIf(h == 0, this);
            return h;
        }
    }

    /// <summary>
    /// Enqueues entry <paramref name="entry"/> on <paramref name="queue"/> with <paramref name="args"/>
    /// over <paramref name="globalSize"/> work-items in groups of <paramref name="localSize"/> (1-D).
    /// </summary>
    internal unsafe void Launch(OpenCLQueue queue, string entry, ReadOnlySpan<KernelArg> args, long globalSize, long localSize)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _handle) == 0, this);
        if (queue.Recording is { } recording)
        {
            recording.AddLaunch(this, entry, args, globalSize, localSize);
            return;
        }
        nint kernel = Rent(entry);
        try
        {
            SetArguments(kernel, entry, args);
            nuint global = (nuint)globalSize, local = (nuint)localSize;
            int launch = _cl.EnqueueNdrangeKernel(queue.Handle, kernel, 1, null, &global, &local, 0, null, null);
            if (launch != OpenCLErrors.Success)
                throw OpenCLApi.Error(launch, $"kernel {Name}: clEnqueueNDRangeKernel({entry}, global {globalSize}, local {localSize})", _backend.Device.ToString());
        }
        finally
        {
            _pools[entry].Add(kernel);
        }
    }

    internal unsafe void SetArguments(nint kernel, string entry, ReadOnlySpan<KernelArg> args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            int status;
            if (a.IsMem)
            {
                nint mem = a.Mem;
                status = _cl.SetKernelArg(kernel, (uint)i, (nuint)sizeof(nint), &mem);
            }
            else
            {
                long v = a.Value;
                status = _cl.SetKernelArg(kernel, (uint)i, sizeof(long), &v);
            }
            if (status != OpenCLErrors.Success)
                throw OpenCLApi.Error(status, $"kernel {Name}: clSetKernelArg({entry}, argument {i})", _backend.Device.ToString());
        }
    }

    private nint Rent(string entry)
    {
        var pool = _pools.GetOrAdd(entry, _ => []);
        if (pool.TryTake(out nint kernel)) return kernel;
        kernel = CreateKernel(entry);
        _allKernels.Add(kernel);
        return kernel;
    }

    /// <summary>A new kernel object for <paramref name="entry"/>, owned by the caller (clReleaseKernel).</summary>
    internal unsafe nint CreateKernel(string entry)
    {
        int status;
        nint kernel = _cl.CreateKernel(Handle, entry, &status);
        if (status != OpenCLErrors.Success)
            throw OpenCLApi.Error(status, $"kernel {Name}: clCreateKernel(\"{entry}\")", _backend.Device.ToString());
        return kernel;
    }

    /// <summary>Releases the kernels and the program; a second call does nothing.</summary>
    public void Dispose()
    {
        nint h = Interlocked.Exchange(ref _handle, 0);
        if (h == 0) return;
        _pools.Clear();
        while (_allKernels.TryTake(out nint k)) _cl.ReleaseKernel(k);
        _cl.ReleaseProgram(h);
    }
}
