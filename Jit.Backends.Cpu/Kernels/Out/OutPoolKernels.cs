using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Out.OutSupport;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// Out-variants of max_pool2d, avg_pool2d and adaptive_avg_pool2d on float32 input of any layout
/// ([N, C, H, W] or [C, H, W]) into a contiguous planned buffer: the same geometry and the same
/// <see cref="Pool2d"/> code as the ordinary kernels, so the same bits, and nothing allocated.
/// A destination whose sizes are not the op's result goes to the kernel, which reports it.
/// </summary>
internal static class OutPoolKernels
{
    public static void Register(KernelTable t)
    {
        // max_pool2d(self, kernel_size, stride, padding, dilation, ceil_mode)
        Add(t, "aten::max_pool2d", (i, o) =>
        {
            var x = i[0].AsTensor;
            if (!Pools(x, o)) return false;
            var g = PoolGeometry.Of(x, i[1], i[2], i[3], i[4], i[5].AsBool, "aten::max_pool2d");
            if (!Fits(o, g.OH, g.OW)) return false;
            Pool2d.Max(x, g, o, null);
            return true;
        });
        // avg_pool2d(self, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
        Add(t, "aten::avg_pool2d", (i, o) =>
        {
            var x = i[0].AsTensor;
            if (!Pools(x, o) || (!i[6].IsNone && i[6].AsInt == 0)) return false;
            var g = PoolGeometry.Of(x, i[1], i[2], i[3], IValue.None, i[4].AsBool, "aten::avg_pool2d");
            if (!Fits(o, g.OH, g.OW)) return false;
            Pool2d.Avg(x, g, i[5].AsBool, i[6].IsNone ? 0 : i[6].AsInt, o);
            return true;
        });
        Add(t, "aten::adaptive_avg_pool2d", (i, o) =>
        {
            var x = i[0].AsTensor;
            if (!Pools(x, o)) return false;
            long oh = PoolGeometry.Arg(i[1], 0, "aten::adaptive_avg_pool2d", "output_size");
            long ow = PoolGeometry.Arg(i[1], 1, "aten::adaptive_avg_pool2d", "output_size");
            if (oh < 0 || ow < 0 || !Fits(o, oh, ow)) return false;
            Pool2d.Adaptive(x, o, null, max: false);
            return true;
        });
    }

    /// <summary>Float32 input of rank 3 or 4 with non-empty planes, and a contiguous float32 destination with its batch and channels.</summary>
    private static bool Pools(Tensor x, Tensor y)
    {
        int r = x.Rank;
        if (x.DType != DType.Float32 || !IsF32(y) || (r != 3 && r != 4) || y.Rank != r) return false;
        for (int d = 0; d < r - 2; d++)
            if (x.Sizes[d] != y.Sizes[d] || x.Sizes[d] == 0) return false;
        return x.Sizes[r - 1] > 0 && x.Sizes[r - 2] > 0;
    }

    private static bool Fits(Tensor y, long oh, long ow) => y.Sizes[^2] == oh && y.Sizes[^1] == ow;
}
