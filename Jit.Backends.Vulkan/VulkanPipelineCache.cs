using Jit.Backends.Vulkan.Native;
using Silk.NET.Vulkan;

namespace Jit.Backends.Vulkan;

/// <summary>
/// The driver's <c>VkPipelineCache</c> of one backend, loaded from disk at open and written back
/// at dispose, one file per device (named by its pipelineCacheUUID, so another driver's file is
/// never offered), so a second process skips the driver's shader compiler. Data the driver does
/// not accept is ignored by the driver itself. Writes go to a temporary file moved into place.
/// </summary>
internal sealed unsafe class VulkanPipelineCache : IDisposable
{
    private readonly VulkanBackend _backend;
    private readonly string? _path;
    private PipelineCache _handle;

    public VulkanPipelineCache(VulkanBackend backend, string? directory)
    {
        _backend = backend;
        _path = directory is null ? null : Path.Combine(directory, $"pipelines-{Convert.ToHexString(backend.Info.PipelineCacheUuid).ToLowerInvariant()}.bin");
        byte[] initial = [];
        try
        {
            if (_path is not null && File.Exists(_path)) initial = File.ReadAllBytes(_path);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        LoadedBytes = initial.Length;
        fixed (byte* data = initial)
        {
            var info = new PipelineCacheCreateInfo
            {
                SType = StructureType.PipelineCacheCreateInfo,
                InitialDataSize = (nuint)initial.Length,
                PInitialData = initial.Length > 0 ? data : null,
            };
            PipelineCache cache;
            VulkanApi.Check(backend.Vk.CreatePipelineCache(backend.Handle, &info, null, &cache), "vkCreatePipelineCache", backend.Device.ToString());
            _handle = cache;
        }
    }

    public PipelineCache Handle => _handle;

    /// <summary>Bytes read from disk at open (0: none).</summary>
    public int LoadedBytes { get; }

    /// <summary>The default directory: <c>$JIT_CACHE_DIR/vulkan</c>, else <c>$XDG_CACHE_HOME/jit-dotnet/vulkan</c>, else <c>~/.cache/jit-dotnet/vulkan</c>.</summary>
    public static string DefaultDirectory()
    {
        string? root = Environment.GetEnvironmentVariable("JIT_CACHE_DIR");
        if (!string.IsNullOrEmpty(root)) return Path.Combine(root, "vulkan");
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string baseDir = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "jit-dotnet", "vulkan");
    }

    /// <summary>Writes the cache to disk (best effort: a read-only or full disk costs only the next start).</summary>
    public void Save()
    {
        if (_path is null || _handle.Handle == 0) return;
        var vk = _backend.Vk;
        nuint size = 0;
        if (vk.GetPipelineCacheData(_backend.Handle, _handle, &size, null) != Result.Success || size == 0) return;
        var data = new byte[size];
        fixed (byte* p = data)
            if (vk.GetPipelineCacheData(_backend.Handle, _handle, &size, p) != Result.Success) return;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            string temp = $"{_path}.{Environment.ProcessId}.tmp";
            File.WriteAllBytes(temp, data.AsSpan(0, (int)size).ToArray());
            File.Move(temp, _path, overwrite: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    public void Dispose()
    {
        if (_handle.Handle == 0) return;
        Save();
        _backend.Vk.DestroyPipelineCache(_backend.Handle, _handle, null);
        _handle = default;
    }
}
