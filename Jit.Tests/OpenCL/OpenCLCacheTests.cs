using System.Diagnostics;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.OpenCL;

public sealed class OpenCLCacheTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "jit-opencl-cache-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private float[] RunAdd(Backends.OpenCL.OpenCLBackend backend, string tag)
    {
        var program = backend.Compile(HandWrittenPrograms.Add(tag));
        var a = OpenCLTesting.Iota(1, 4, 5).ToDevice(backend.Allocator);
        var result = OpenCLTesting.Elements(program.Run([a, a])[0]);
        return result;
    }

    [OpenCLFact]
    public void ASecondBackendLoadsTheBinaryFromDisk()
    {
        float[] first;
        string tag = "disk " + Guid.NewGuid().ToString("N");
        using (var backend = OpenCLTesting.Open(_dir))
        {
            long t0 = Stopwatch.GetTimestamp();
            backend.Compile(HandWrittenPrograms.Add(tag));
            log.WriteLine($"compiled from source in {Stopwatch.GetElapsedTime(t0).TotalMilliseconds:F1} ms");
            first = RunAdd(backend, tag);
            Assert.Equal(1, backend.Programs.CompiledFromSource);
            Assert.Equal(0, backend.Programs.LoadedFromDisk);
            Assert.Equal(1, backend.Programs.DiskWrites);
            Assert.Equal(1, backend.Programs.MemoryHits);
        }
        Assert.Single(Directory.GetFiles(_dir, "*.clbin"));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
        using (var backend = OpenCLTesting.Open(_dir))
        {
            long t0 = Stopwatch.GetTimestamp();
            Assert.True(backend.Compile(HandWrittenPrograms.Add(tag)).LoadedFromDisk);
            log.WriteLine($"loaded from the disk cache in {Stopwatch.GetElapsedTime(t0).TotalMilliseconds:F1} ms");
            Assert.Equal(first, RunAdd(backend, tag));
            Assert.Equal(0, backend.Programs.CompiledFromSource);
            Assert.Equal(1, backend.Programs.LoadedFromDisk);
        }
    }

    [OpenCLFact]
    public void CorruptCacheFilesAreIgnoredAndRewritten()
    {
        float[] expected;
        using (var backend = OpenCLTesting.Open(_dir)) expected = RunAdd(backend, "corrupt");
        string file = Assert.Single(Directory.GetFiles(_dir, "*.clbin"));
        var good = File.ReadAllBytes(file);
        var corruptions = new[]
        {
            Array.Empty<byte>(),
            good[..(good.Length / 2)],
            good.Select((b, i) => i == good.Length / 2 ? (byte)(b ^ 0xFF) : b).ToArray(),
            Enumerable.Repeat((byte)0x5A, 1000).ToArray(),
        };
        foreach (var bytes in corruptions)
        {
            File.WriteAllBytes(file, bytes);
            using var backend = OpenCLTesting.Open(_dir);
            Assert.Equal(expected, RunAdd(backend, "corrupt"));
            Assert.Equal(1, backend.Programs.CompiledFromSource);
            Assert.Equal(0, backend.Programs.LoadedFromDisk);
            Assert.Equal(1, backend.Programs.DiskWrites);
        }
        using (var backend = OpenCLTesting.Open(_dir))
        {
            Assert.Equal(expected, RunAdd(backend, "corrupt"));
            Assert.Equal(1, backend.Programs.LoadedFromDisk);
        }
    }

    [OpenCLFact]
    public void AnUnwritableCacheDirectoryOnlyCostsTheCache()
    {
        string blocker = Path.Combine(Path.GetTempPath(), "jit-opencl-blocker-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(blocker, "a file where the cache directory would be");
        try
        {
            using var backend = OpenCLTesting.Open(Path.Combine(blocker, "opencl"));
            RunAdd(backend, "unwritable");
            Assert.Equal(1, backend.Programs.CompiledFromSource);
            Assert.Equal(0, backend.Programs.DiskWrites);
        }
        finally
        {
            File.Delete(blocker);
        }
    }
}
