using Jit.Runtime;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>The one list of CPU kernel families; each family registers its overloads.</summary>
internal static class CpuKernelRegistration
{
    public static void RegisterAll(KernelTable table)
    {
    }
}
