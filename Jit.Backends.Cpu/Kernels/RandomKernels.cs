using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// rand/randn and their _like forms. A deterministic runtime still has to run them, so they draw
/// from one generator owned by the CPU backend, seeded with a fixed seed (reseed it with
/// <see cref="CpuBackend.ManualSeed"/>). The values are not PyTorch's: its Philox/MT19937 streams
/// are not reproduced, only the distributions (uniform on [0, 1), standard normal).
/// </summary>
internal static class RandomKernels
{
    private static readonly object Gate = new();
    private static Random _generator = new(0);

    public static void Seed(int seed)
    {
        lock (Gate) _generator = new Random(seed);
    }

    public static void Register(KernelTable t)
    {
        t.Add("aten::rand", (i, o) => o[0] = Draw(CreationKernels.Size(i[0], "aten::rand"), Float(i[1], Jit.Tensors.DType.Float32, "aten::rand"), normal: false));
        t.Add("aten::randn", (i, o) => o[0] = Draw(CreationKernels.Size(i[0], "aten::randn"), Float(i[1], Jit.Tensors.DType.Float32, "aten::randn"), normal: true));
        t.Add("aten::rand_like", (i, o) => o[0] = Draw(i[0].AsTensor.SizesArray(), Float(i[1], i[0].AsTensor.DType, "aten::rand_like"), normal: false));
        t.Add("aten::randn_like", (i, o) => o[0] = Draw(i[0].AsTensor.SizesArray(), Float(i[1], i[0].AsTensor.DType, "aten::randn_like"), normal: true));
    }

    private static DType Float(IValue dtype, DType fallback, string op)
    {
        var d = ShapeArgs.OptionalDType(dtype, op) ?? fallback;
        if (!d.IsFloatingPoint()) throw new JitTypeException($"{op}: random floats need a floating dtype, got {d.PythonName()}");
        return d;
    }

    private static Tensor Draw(long[] sizes, DType dtype, bool normal)
    {
        var v = new double[StridedMathCopy.Numel(sizes)];
        lock (Gate)
        {
            for (long k = 0; k < v.Length; k++)
            {
                // Box-Muller; 1 - NextDouble() lies in (0, 1], so the log is finite.
                v[k] = normal
                    ? Math.Sqrt(-2 * Math.Log(1 - _generator.NextDouble())) * Math.Cos(2 * Math.PI * _generator.NextDouble())
                    : _generator.NextDouble();
            }
        }
        var r = StridedMathCopy.ToTensor(v, dtype, sizes);
        return r;
    }
}
