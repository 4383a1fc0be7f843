namespace Jit.Backends.Cpu.Threading;

/// <summary>
/// The CPU kernels' parallel loop: <c>Parallel.For</c> without its per-call allocations, on the
/// persistent threads of <see cref="CpuWorkerPool"/>. A call that cannot have the pool (a nested
/// call from inside a chunk, or a second request's kernel while the first holds it) runs its
/// chunks in order on the calling thread; kernels make their results independent of the split,
/// so that changes speed only.
/// </summary>
internal static class CpuParallel
{
    /// <summary>
    /// Runs <c>body.Run(c)</c> for every c in <c>[0, chunks)</c> exactly once, on up to
    /// <paramref name="threads"/> threads (the caller's included) that claim chunks as they free
    /// up. Returns when all have run; the first exception a chunk throws is rethrown here.
    /// </summary>
    public static void For<TBody>(int chunks, int threads, in TBody body) where TBody : struct, IChunkBody
    {
        if (chunks <= 0) return;
        var pool = CpuWorkerPool.Shared;
        if (threads <= 1 || chunks == 1 || !pool.TryAcquire())
        {
            var inline = body;
            for (int c = 0; c < chunks; c++) inline.Run(c);
            return;
        }
        var job = ChunkJob<TBody>.Rent(body);
        try
        {
            pool.RunAcquired(job, chunks, Math.Min(threads, chunks) - 1);
        }
        finally
        {
            job.Return();
        }
    }
}
