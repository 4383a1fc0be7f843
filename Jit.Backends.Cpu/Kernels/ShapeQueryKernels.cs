using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>Ops that read a tensor's shape into ints: size, dim, numel, len.</summary>
internal static class ShapeQueryKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::size.int", (i, o) =>
        {
            var x = i[0].AsTensor;
            if (x.Rank == 0) throw new JitShapeException($"aten::size: dimension {i[1].AsInt} specified for a 0-dim tensor");
            o[0] = x.Sizes[ShapeArgs.Dim(i[1].AsInt, x.Rank, "aten::size")];
        });
        t.Add("aten::size", (i, o) => o[0] = ShapeArgs.IntList(i[0].AsTensor.Sizes));
        t.Add("aten::dim", (i, o) => o[0] = (long)i[0].AsTensor.Rank);
        t.Add("aten::numel", (i, o) => o[0] = i[0].AsTensor.NumElements);
        t.Add("aten::len.Tensor", (i, o) =>
        {
            var x = i[0].AsTensor;
            if (x.Rank == 0) throw new JitShapeException("aten::len: len() of a 0-d tensor");
            o[0] = x.Sizes[0];
        });
    }
}
