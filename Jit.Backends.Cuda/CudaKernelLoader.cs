using System.Diagnostics;
using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Jit.Backends.Cuda.Codegen;
using Jit.Errors;
using Jit.TensorExpr;

namespace Jit.Backends.Cuda;

/// <summary>A loaded entry point and its typed launcher (built once per kernel, never reflection per call).</summary>
internal sealed record LoadedEntry(string Name, Kernel Kernel, Action<AcceleratorStream, KernelConfig, KernelArgs> Launch);

/// <summary>
/// Turns kernel IL into launchable ILGPU kernels on one accelerator. ILGPU compiles one kernel at
/// a time here, and a failed compile leaves its context broken (the next compile throws in its
/// dead-code pass) until <c>ClearCache(ClearCacheMode.Everything)</c>: a failure is reported as our
/// error naming the kernel, with ILGPU's message, after the context is recovered. On a GPU the PTX
/// goes through a <see cref="PtxDiskCache"/>: a kernel met by an earlier process is loaded from its
/// PTX without ILGPU's code generation (unchecked on hardware).
/// </summary>
internal sealed class CudaKernelLoader(CudaBackend backend, PtxDiskCache? disk)
{
    private readonly object _lock = new();

    /// <summary>Milliseconds spent in ILGPU code generation and loading, over all kernels.</summary>
    public double CompileMilliseconds { get; private set; }

    /// <summary>Entries whose PTX came from the disk cache.</summary>
    public int LoadedFromDisk { get; private set; }

    public IReadOnlyDictionary<string, LoadedEntry> Load(KernelAssembly assembly) =>
        Load(assembly.Scheduled.Kernel.Name, [.. assembly.EntryNames.Select(e => (e, assembly.Entry(e)))],
            $"local {backend.LocalSize}\n{TePrinter.Print(assembly.Scheduled.Kernel)}");

    /// <summary>Loads each entry method of kernel <paramref name="name"/>; <paramref name="cacheText"/> (what shaped the IL) keys the disk cache.</summary>
    public IReadOnlyDictionary<string, LoadedEntry> Load(string name, IReadOnlyList<(string Entry, MethodInfo Method)> entries, string? cacheText = null)
    {
        lock (_lock)
        {
            var watch = Stopwatch.StartNew();
            var loaded = new Dictionary<string, LoadedEntry>();
            foreach (var (entry, method) in entries)
            {
                try
                {
                    var kernel = backend.Accelerator is CudaAccelerator cuda ? LoadThroughPtx(cuda, entry, method, cacheText) : backend.Accelerator.LoadKernel(method);
                    loaded[entry] = new LoadedEntry(entry, kernel, kernel.CreateLauncherDelegate<Action<AcceleratorStream, KernelConfig, KernelArgs>>());
                }
                catch (Exception e) when (e is not JitException)
                {
                    backend.Context.ClearCache(ClearCacheMode.Everything);
                    throw new JitDeviceException(backend.Device.ToString(),
                        $"ILGPU cannot compile kernel {name} (entry {entry}): {Innermost(e).Message}", inner: e);
                }
            }
            CompileMilliseconds += watch.Elapsed.TotalMilliseconds;
            return loaded;
        }
    }

    private Kernel LoadThroughPtx(CudaAccelerator cuda, string entry, MethodInfo method, string? cacheText)
    {
        var description = EntryPointDescription.FromExplicitlyGroupedKernel(method);
        string? key = disk is not null && cacheText is not null ? PtxDiskCache.Key(cacheText, entry, cuda.Architecture.ToString()) : null;
        if (key is not null && disk!.TryLoad(key, out int shared, out string ptx) && FromPtx(description, shared, ptx) is { } cached)
        {
            LoadedFromDisk++;
            return cuda.LoadKernel(cached);
        }
        var compiled = (PTXCompiledKernel)cuda.Backend.Compile(description, default);
        if (key is not null && EntryPointOf(compiled) is { } entryPoint) disk!.Save(key, entryPoint.SharedMemory.StaticSize, compiled.PTXAssembly);
        return cuda.LoadKernel(compiled);
    }

    // ILGPU 1.5.3 makes a compiled kernel from PTX only internally (PTXCompiledKernel's constructor
    // and CompiledKernel.EntryPoint are internal): reached by reflection, pinned to the version the
    // cache key names; where they are missing the cache is bypassed and ILGPU compiles as usual.
    private static readonly ConstructorInfo? PtxKernelConstructor = typeof(PTXCompiledKernel).GetConstructor(
        BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null,
        [typeof(Context), typeof(EntryPoint), typeof(ILGPU.Backends.CompiledKernel.KernelInfo), typeof(string)], null);

    private static readonly PropertyInfo? EntryPointProperty = typeof(ILGPU.Backends.CompiledKernel).GetProperty(
        "EntryPoint", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);

    private PTXCompiledKernel? FromPtx(EntryPointDescription description, int sharedBytes, string ptx)
    {
        if (PtxKernelConstructor is null) return null;
        // The PTX declares its shared memory; ILGPU's launcher needs only the size.
        var entryPoint = new EntryPoint(description, new SharedMemorySpecification(sharedBytes, false), default);
        return (PTXCompiledKernel)PtxKernelConstructor.Invoke([backend.Context, entryPoint, null, ptx]);
    }

    private static EntryPoint? EntryPointOf(PTXCompiledKernel compiled) => EntryPointProperty?.GetValue(compiled) as EntryPoint;

    internal static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
