using Jit.Backends.Cpu.Threading;
using Xunit;

namespace Jit.Tests.Threading;

/// <summary>
/// <see cref="CpuParallel.For{TBody}"/> on the shared <see cref="CpuWorkerPool"/>: every chunk
/// exactly once, exceptions reaching the caller with the pool usable after, nested calls and
/// concurrent callers finishing, and no allocation per call.
/// </summary>
public sealed class CpuParallelTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Counts the runs of each chunk.</summary>
    private readonly struct CountHits(int[] hits) : IChunkBody
    {
        public void Run(int chunk) => Interlocked.Increment(ref hits[chunk]);
    }

    /// <summary>Throws in chunk <c>bad</c> (or every chunk when negative), counting the others.</summary>
    private readonly struct ThrowIn(int bad, int[] hits) : IChunkBody
    {
        public void Run(int chunk)
        {
            if (bad < 0 || chunk == bad) throw new InvalidOperationException($"chunk {chunk}");
            Interlocked.Increment(ref hits[chunk]);
        }
    }

    /// <summary>Each outer chunk runs a whole inner parallel loop over its row of <c>hits</c>.</summary>
    private readonly struct Nested(int[,] hits, int threads) : IChunkBody
    {
        public void Run(int chunk)
        {
            var row = new int[hits.GetLength(1)];
            CpuParallel.For(row.Length, threads, new CountHits(row));
            for (int i = 0; i < row.Length; i++) Interlocked.Add(ref hits[chunk, i], row[i]);
        }
    }

    private static void AssertEachOnce(int[] hits)
    {
        for (int c = 0; c < hits.Length; c++) Assert.True(hits[c] == 1, $"chunk {c} of {hits.Length} ran {hits[c]} times");
    }

    private static void Within(Action action)
    {
        var task = Task.Run(action);
        Assert.True(task.Wait(Deadline), "the parallel loop did not finish (deadlock?)");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void EveryChunkRunsExactlyOnce(int threads)
    {
        foreach (int chunks in new[] { 0, 1, 2, 3, 4, 7, 8, 16, 63, 64, 1000 })
        {
            for (int repeat = 0; repeat < 20; repeat++)
            {
                var hits = new int[chunks];
                CpuParallel.For(chunks, threads, new CountHits(hits));
                AssertEachOnce(hits);
            }
        }
    }

    [Fact]
    public void MoreThreadsGrowThePool()
    {
        var hits = new int[64];
        CpuParallel.For(hits.Length, 4, new CountHits(hits));
        AssertEachOnce(hits);
        Assert.True(CpuWorkerPool.Shared.WorkerCount >= 3, $"{CpuWorkerPool.Shared.WorkerCount} helpers for 4 threads");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-1)]
    public void AChunksExceptionReachesTheCallerAndThePoolStaysUsable(int bad)
    {
        for (int repeat = 0; repeat < 20; repeat++)
        {
            var hits = new int[16];
            var e = Assert.Throws<InvalidOperationException>(() => CpuParallel.For(hits.Length, 3, new ThrowIn(bad, hits)));
            Assert.StartsWith("chunk ", e.Message);
            Assert.All(hits, h => Assert.InRange(h, 0, 1));

            var after = new int[16];
            CpuParallel.For(after.Length, 3, new CountHits(after));
            AssertEachOnce(after);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ANestedCallRunsOnItsThreadWithoutDeadlock(int threads)
    {
        Within(() =>
        {
            var hits = new int[12, 40];
            CpuParallel.For(hits.GetLength(0), threads, new Nested(hits, threads));
            foreach (int h in hits) Assert.Equal(1, h);
        });
    }

    [Fact]
    public void ConcurrentCallersAllFinishWithEveryChunkOnce()
    {
        Within(() =>
        {
            var callers = new Thread[4];
            var failures = new List<Exception>();
            for (int t = 0; t < callers.Length; t++)
            {
                int threads = 2 + t % 2;
                callers[t] = new Thread(() =>
                {
                    try
                    {
                        for (int call = 0; call < 300; call++)
                        {
                            var hits = new int[1 + call % 37];
                            CpuParallel.For(hits.Length, threads, new CountHits(hits));
                            AssertEachOnce(hits);
                        }
                    }
                    catch (Exception e)
                    {
                        lock (failures) failures.Add(e);
                    }
                });
                callers[t].Start();
            }
            foreach (var caller in callers) caller.Join();
            Assert.Empty(failures);
        });
    }
}
