using Jit.Runtime;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// The CPU out-variants, registered after the ordinary kernels they fall back to. Ops without one
/// run their ordinary kernel in the static runtime (an allocated, unplanned output).
/// </summary>
internal static class OutKernelRegistration
{
    public static void RegisterAll(KernelTable table)
    {
        OutUnaryKernels.Register(table);
        OutBinaryKernels.Register(table);
        OutMatmulKernels.Register(table);
        OutConvKernels.Register(table);
        OutNormKernels.Register(table);
        OutPoolKernels.Register(table);
        OutReductionKernels.Register(table);
        OutCopyKernels.Register(table);
        OutAttentionKernels.Register(table);
        OutCreationKernels.Register(table);
        OutElementwiseKernels.Register(table);
    }
}
