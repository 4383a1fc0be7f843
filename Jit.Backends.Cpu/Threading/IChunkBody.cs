namespace Jit.Backends.Cpu.Threading;

/// <summary>
/// The work of one <see cref="CpuParallel.For{TBody}"/> call: a struct holding what the chunks
/// read, and the code for one chunk. Several threads call <see cref="Run"/> on the same instance
/// at once, so it must not change the struct's own fields.
/// </summary>
internal interface IChunkBody
{
    /// <summary>Runs chunk <paramref name="chunk"/> of the call's <c>[0, chunks)</c>.</summary>
    void Run(int chunk);
}
