using System.Reflection;
using Jit.Backends.Cuda;
using Xunit;

namespace Jit.Tests.Cuda;

/// <summary>The PTX disk cache: what one process saves the next loads; bad files are misses; ILGPU's internals it relies on exist.</summary>
public sealed class PtxDiskCacheTests
{
    [Fact]
    public void SavedPtxLoadsBackByItsKey()
    {
        var dir = Path.Combine(Path.GetTempPath(), "jit-ptx-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cache = new PtxDiskCache(dir);
            string key = PtxDiskCache.Key("kernel text", "k_s0", "SM_90");
            Assert.NotEqual(key, PtxDiskCache.Key("kernel text", "k_s0", "SM_80"));
            Assert.False(cache.TryLoad(key, out _, out _));
            cache.Save(key, 1024, ".version 7.8\n.target sm_80\n");
            Assert.True(new PtxDiskCache(dir).TryLoad(key, out int shared, out string ptx));
            Assert.Equal(1024, shared);
            Assert.StartsWith(".version 7.8", ptx);
            File.WriteAllText(Path.Combine(dir, key + ".ptx"), "garbage");
            Assert.False(cache.TryLoad(key, out _, out _));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void IlgpuHasTheInternalsLoadingPtxNeeds()
    {
        // CudaKernelLoader makes a compiled kernel from cached PTX through these (internal in ILGPU 1.5.3).
        var ctor = typeof(ILGPU.Backends.PTX.PTXCompiledKernel).GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null,
            [typeof(ILGPU.Context), typeof(ILGPU.Backends.EntryPoints.EntryPoint), typeof(ILGPU.Backends.CompiledKernel.KernelInfo), typeof(string)], null);
        Assert.NotNull(ctor);
        Assert.NotNull(typeof(ILGPU.Backends.CompiledKernel).GetProperty("EntryPoint", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic));
    }
}
