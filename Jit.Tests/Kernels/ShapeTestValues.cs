using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Tests.Kernels;

/// <summary>Argument builders and seeded random tensors for the shape/matmul/conv kernel tests.</summary>
internal static class ShapeTestValues
{
    public static readonly KernelTable CpuKernels = new CpuBackend(Device.Cpu).Kernels;

    public static IValue Ints(params long[] v) => IValue.FromList(new IValueList(IntType.Instance, v.Select(IValue.FromInt).ToList()));

    /// <summary>Uniform in [-1, 1) for floats, integers in [-5, 5] otherwise.</summary>
    public static Tensor Random(DType dtype, int seed, params long[] sizes)
    {
        var rng = new Random(seed);
        var t = Tensor.Empty(dtype, sizes);
        for (long i = 0; i < t.NumElements; i++)
        {
            if (dtype.IsFloatingPoint()) t.SetDouble(i, rng.NextDouble() * 2 - 1);
            else t.SetLong(i, rng.Next(-5, 6));
        }
        return t;
    }

    public static Tensor Transposed(Tensor t) => t.AsStrided([t.Sizes[1], t.Sizes[0]], [t.Strides[1], t.Strides[0]]);
}
