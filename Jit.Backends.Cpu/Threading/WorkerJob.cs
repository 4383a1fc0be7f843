namespace Jit.Backends.Cpu.Threading;

/// <summary>What <see cref="CpuWorkerPool"/> hands its threads: one call's chunks behind one virtual method.</summary>
internal abstract class WorkerJob
{
    /// <summary>Runs chunk <paramref name="chunk"/>; called by several threads at once.</summary>
    public abstract void RunChunk(int chunk);
}

/// <summary>
/// Holds a struct <see cref="IChunkBody"/> for the pool. One instance per calling thread and body
/// type is kept and reused, so a parallel call allocates nothing once each thread has made its first.
/// </summary>
internal sealed class ChunkJob<TBody> : WorkerJob where TBody : struct, IChunkBody
{
    [ThreadStatic] private static ChunkJob<TBody>? t_spare;

    private TBody _body;

    /// <summary>This thread's spare holder (a new one only the first time, or while the spare is in use) holding <paramref name="body"/>.</summary>
    public static ChunkJob<TBody> Rent(in TBody body)
    {
        var job = t_spare ?? new ChunkJob<TBody>();
        t_spare = null;
        job._body = body;
        return job;
    }

    /// <summary>Keeps the holder for this thread's next call, dropping the body so it keeps no tensor alive.</summary>
    public void Return()
    {
        _body = default;
        t_spare = this;
    }

    public override void RunChunk(int chunk) => _body.Run(chunk);
}
