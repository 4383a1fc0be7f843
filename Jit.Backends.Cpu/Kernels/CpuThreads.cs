namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// The number of threads the CPU kernels (packed GEMM, convolution, compiled elementwise
/// groups) may use. The default is 1: a caller that wants parallel kernels says so
/// (<c>CpuThreads.Count = 2</c>), so a runtime that already runs requests on several threads is
/// not oversubscribed by surprise. Results do not depend on the count: the GEMM splits only the
/// output, never a reduction. The extra threads are the helpers of
/// <see cref="Jit.Backends.Cpu.Threading.CpuWorkerPool"/>, started the first time a kernel wants
/// them; lowering the count leaves the extra ones asleep.
/// </summary>
public static class CpuThreads
{
    private static int _count = 1;

    /// <summary>Threads per kernel call, at least 1; values above the core count are allowed but rarely help.</summary>
    public static int Count
    {
        get => Volatile.Read(ref _count);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref _count, value);
        }
    }
}
