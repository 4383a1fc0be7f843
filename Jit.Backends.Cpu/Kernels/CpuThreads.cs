namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// The number of threads the CPU extern kernels (packed GEMM, convolution) may use. The default
/// is 1: a caller that wants parallel kernels says so (<c>CpuThreads.Count = 2</c>), so a
/// runtime that already runs requests on several threads is not oversubscribed by surprise.
/// Results do not depend on the count: the GEMM splits only the output, never a reduction.
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
