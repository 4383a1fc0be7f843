using Jit.Backends.Cpu.Kernels;
using Jit.Backends.Cpu.Threading;

namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// What the generated IL reaches through its context argument: the outlined parallel loops, whether
/// the call is big enough to be worth threads, and whether vector loops may overlap their tail.
/// Immutable, so a kernel makes one per combination once and a call only picks one (see
/// <see cref="CompiledTeKernel"/>).
/// </summary>
internal sealed class TeRunContext(TeRegionEntry[] regions, bool parallel, bool overlapTail)
{
    /// <summary>Whether vector loops may finish with an overlapping last vector (no output aliases an input).</summary>
    public bool OverlapTail { get; } = overlapTail;

    /// <summary>
    /// Runs region <paramref name="region"/> over <c>[start, stop)</c>: split into contiguous
    /// chunks across <see cref="CpuThreads.Count"/> threads, or inline when the call is small.
    /// Every iteration runs the same code whatever the split, so results do not depend on it.
    /// </summary>
    public unsafe void RunParallel(int region, byte** buffers, long* parameters, long start, long stop)
    {
        var fn = regions[region];
        long n = stop - start;
        int threads = CpuThreads.Count;
        if (!parallel || threads <= 1 || n < 2)
        {
            fn(buffers, parameters, this, start, stop);
            return;
        }
        int chunks = (int)Math.Min(n, threads * 4L);
        CpuParallel.For(chunks, threads, new RegionChunks(fn, this, (nint)buffers, (nint)parameters, start, n, chunks));
    }

    /// <summary>Chunk c of a region's <c>[start, start + n)</c>: the c-th of <c>chunks</c> contiguous, near-equal ranges.</summary>
    private readonly unsafe struct RegionChunks(TeRegionEntry fn, TeRunContext context, nint buffers, nint parameters, long start, long n, int chunks)
        : IChunkBody
    {
        public void Run(int chunk)
        {
            long lo = start + n * chunk / chunks, hi = start + n * (chunk + 1) / chunks;
            fn((byte**)buffers, (long*)parameters, context, lo, hi);
        }
    }
}
