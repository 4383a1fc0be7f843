using Jit.Backends.Cpu.Kernels;

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
        Split(fn, (nint)buffers, (nint)parameters, start, n, threads);
    }

    // Apart from RunParallel, so the closure the lambda captures is made only when the work is
    // split: a closure over parameters is allocated on entry to the method that declares them,
    // and an inline call (one thread, or a small one) then allocated it for nothing.
    private unsafe void Split(TeRegionEntry fn, nint buffers, nint parameters, long start, long n, int threads)
    {
        long chunks = Math.Min(n, threads * 4L);
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            long lo = start + n * c / chunks, hi = start + n * (c + 1) / chunks;
            fn((byte**)buffers, (long*)parameters, this, lo, hi);
        });
    }
}
