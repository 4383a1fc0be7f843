namespace Jit.Backends.OpenCL;

/// <summary>How an <see cref="OpenCLBackend"/> is opened.</summary>
public sealed record OpenCLBackendOptions
{
    /// <summary>Keep program binaries on disk (default true).</summary>
    public bool DiskCache { get; init; } = true;

    /// <summary>
    /// Where binaries go; null: <c>$JIT_CACHE_DIR/opencl</c>, else <c>$XDG_CACHE_HOME/jit-dotnet/opencl</c>,
    /// else <c>~/.cache/jit-dotnet/opencl</c>.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>The most work-groups one launch uses (stages are grid-stride loops); 0: 32 per compute unit, at most 4096.</summary>
    public int MaxGroups { get; init; }
}
