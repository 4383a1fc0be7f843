using Jit.Backends.Cpu.Kernels.Common;
using Jit.Backends.Cpu.Threading;
using Jit.Tests.Static;
using Xunit;

namespace Jit.Tests.Threading;

/// <summary>
/// Parallel calls allocate nothing once warm, counted over the whole process (the helpers are
/// other threads), so these run alone, not beside other tests.
/// </summary>
[Collection(nameof(MemoryMeasurementCollection))]
public sealed class CpuParallelAllocationTests
{
    private readonly struct Touch(int[] hits) : IChunkBody
    {
        public void Run(int chunk) => Interlocked.Increment(ref hits[chunk]);
    }

    /// <summary>
    /// Bytes the process allocated over <paramref name="calls"/> runs of <paramref name="action"/>
    /// after a warm-up; the least of three tries, so one allocation by an unrelated runtime thread
    /// does not fail the test while a per-call allocation still does.
    /// </summary>
    private static long AllocatedOver(int calls, Action action)
    {
        for (int i = 0; i < 50; i++) action();
        long least = long.MaxValue;
        for (int attempt = 0; attempt < 3 && least > 0; attempt++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < calls; i++) action();
            least = Math.Min(least, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        return least;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void PoolCallsAllocateNothing(int threads)
    {
        var hits = new int[32];
        void Call() => CpuParallel.For(hits.Length, threads, new Touch(hits));
        Assert.Equal(0, AllocatedOver(2000, Call));
        Assert.All(hits, h => Assert.True(h > 0));
    }

    [Theory]
    [InlineData(256, 256, 256)] // row split sharing packed B
    [InlineData(16, 2048, 128)] // column split
    public void ParallelGemmAllocatesNothing(int m, int n, int k)
    {
        var a = new float[m * k];
        var b = new float[k * n];
        var c = new float[m * n];
        a.AsSpan().Fill(0.5f);
        b.AsSpan().Fill(0.25f);
        void Call() => PackedGemm.Run(new GemmArgs<float>
        {
            M = m, N = n, K = k,
            A = a, ALayout = new GemmLayout(0, k, 1),
            B = b, BLayout = new GemmLayout(0, n, 1),
            C = c, COffset = 0, Ldc = n,
            Alpha = 1, Beta = 0,
        }, 2);
        Assert.Equal(0, AllocatedOver(50, Call));
        Assert.Equal(k * 0.125f, c[^1]);
    }
}
