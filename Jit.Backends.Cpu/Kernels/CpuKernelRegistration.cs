using Jit.Runtime;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>The one list of CPU kernel families; each family registers its overloads.</summary>
internal static class CpuKernelRegistration
{
    public static void RegisterAll(KernelTable table)
    {
        ViewKernels.Register(table);
        ShapeQueryKernels.Register(table);
        ConcatKernels.Register(table);
        IndexKernels.Register(table);
        ShapeMoveKernels.Register(table);
        CreationKernels.Register(table);
        MatmulKernels.Register(table);
        ConvKernels.Register(table);
        PoolKernels.Register(table);
        MathBinaryKernels.Register(table);
        MathComparisonKernels.Register(table);
        MathUnaryKernels.Register(table);
        ActivationKernels.Register(table);
        ElementwiseSelectKernels.Register(table);
        ReductionKernels.Register(table);
        NormalizationKernels.Register(table);
        AttentionKernels.Register(table);
        CastKernels.Register(table);
        MathMoreKernels.Register(table);
        SelectionKernels.Register(table);
        AdvancedIndexKernels.Register(table);
        NnMoreKernels.Register(table);
        CreationMoreKernels.Register(table);
        RandomKernels.Register(table);
        // Out-variants for the static runtime wrap the kernels above.
        Out.OutKernelRegistration.RegisterAll(table);
        // In-place variants wrap the functional kernels above, and write through their out-variants' fast paths, so they come last.
        MathInPlaceKernels.Register(table);
    }
}
