namespace Jit.Backends.Cuda;

/// <summary>How a <see cref="CudaBackend"/> is opened.</summary>
public sealed record CudaBackendOptions
{
    /// <summary>Keep kernels' PTX on disk so a second process skips ILGPU code generation (default true).</summary>
    public bool DiskCache { get; init; } = true;

    /// <summary>Where PTX goes; null: <c>$JIT_CACHE_DIR/cuda</c>, else <c>~/.cache/jit-dotnet/cuda</c>.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>The most work-groups one launch uses (stages are grid-stride loops); 0: 32 per multiprocessor.</summary>
    public int MaxGroups { get; init; }

    /// <summary>The most device memory live at once, in bytes; 0: the device's memory.</summary>
    public long MemoryLimitBytes { get; init; }

    /// <summary>Let cuBLAS use TF32 tensor cores for float32 GEMMs (faster, about 10 bits of mantissa); off so results match the reference.</summary>
    public bool AllowTf32 { get; init; }
}
