using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Out.OutSupport;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// Out-variants of the filling factories: the planned buffer already has the result's dtype and
/// sizes, so only its elements are set, in any dtype, as the kernels fill a new tensor.
/// </summary>
internal static class OutCreationKernels
{
    public static void Register(KernelTable t)
    {
        Add(t, "aten::zeros", (_, o) => Fill(o, 0L));
        Add(t, "aten::ones", (_, o) => Fill(o, 1L));
        Add(t, "aten::full", (i, o) => Fill(o, i[1]));
        Add(t, "aten::zeros_like", (_, o) => Fill(o, 0L));
        Add(t, "aten::ones_like", (_, o) => Fill(o, 1L));
        Add(t, "aten::full_like", (i, o) => Fill(o, i[1]));
    }

    private static bool Fill(Tensor y, IValue value)
    {
        if (!y.IsContiguous) return false;
        CreationKernels.Fill(y, value);
        return true;
    }
}
