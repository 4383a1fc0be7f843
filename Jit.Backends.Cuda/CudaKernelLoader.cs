using System.Diagnostics;
using System.Reflection;
using ILGPU;
using ILGPU.Runtime;
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
/// error naming the kernel, with ILGPU's message, after the context is recovered.
/// </summary>
internal sealed class CudaKernelLoader(CudaBackend backend)
{
    private readonly object _lock = new();

    /// <summary>Milliseconds spent in ILGPU code generation and loading, over all kernels.</summary>
    public double CompileMilliseconds { get; private set; }

    public IReadOnlyDictionary<string, LoadedEntry> Load(KernelAssembly assembly) =>
        Load(assembly.Scheduled.Kernel.Name, [.. assembly.EntryNames.Select(e => (e, assembly.Entry(e)))]);

    /// <summary>Loads each entry method of kernel <paramref name="name"/>.</summary>
    public IReadOnlyDictionary<string, LoadedEntry> Load(string name, IReadOnlyList<(string Entry, MethodInfo Method)> entries)
    {
        lock (_lock)
        {
            var watch = Stopwatch.StartNew();
            var loaded = new Dictionary<string, LoadedEntry>();
            foreach (var (entry, method) in entries)
            {
                try
                {
                    var kernel = backend.Accelerator.LoadKernel(method);
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

    internal static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
