using Jit.Runtime;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>The one list of CPU kernel families; each family registers its overloads.</summary>
internal static class CpuKernelRegistration
{
    public static void RegisterAll(KernelTable table)
    {
        MathBinaryKernels.Register(table);
        MathComparisonKernels.Register(table);
        MathUnaryKernels.Register(table);
        ActivationKernels.Register(table);
        ElementwiseSelectKernels.Register(table);
        ReductionKernels.Register(table);
        NormalizationKernels.Register(table);
        CastKernels.Register(table);
        // In-place variants wrap the functional kernels above, so they come last.
        MathInPlaceKernels.Register(table);
    }
}
