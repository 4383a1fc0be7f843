using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Out.OutSupport;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// Out-variants of conv2d and its fused forms (relu, and a residual add then relu) on batched,
/// float32 operands (contiguous but for the input) with numeric padding: <see cref="ConvGemm"/> writes straight into
/// the planned buffer, the same code and order as the ordinary kernels.
/// </summary>
internal static class OutConvKernels
{
    public static void Register(KernelTable t)
    {
        // conv2d(input, weight, bias?, stride, padding, dilation, groups)
        Add(t, "aten::conv2d", (i, o) => Conv2d(i[0].AsTensor, i[1].AsTensor, i[2].AsTensorOrNull, null, i[3], i[4], i[5], i[6].AsInt, relu: false, o));
        // cudnn_convolution_relu(self, weight, bias?, stride, padding, dilation, groups)
        Add(t, "aten::cudnn_convolution_relu", (i, o) => Conv2d(i[0].AsTensor, i[1].AsTensor, i[2].AsTensorOrNull, null, i[3], i[4], i[5], i[6].AsInt, relu: true, o));
        // cudnn_convolution_add_relu(self, weight, z, alpha?, bias?, stride, padding, dilation, groups); other alphas take the kernel
        Add(t, "aten::cudnn_convolution_add_relu", (i, o) => (i[3].IsNone || (i[3].IsInt && i[3].AsInt == 1))
            && Conv2d(i[0].AsTensor, i[1].AsTensor, i[4].AsTensorOrNull, i[2].AsTensor, i[5], i[6], i[7], i[8].AsInt, relu: true, o));
    }

    private static bool Conv2d(Tensor x, Tensor w, Tensor? bias, Tensor? z, IValue stride, IValue padding, IValue dilation, long groups, bool relu, Tensor y)
    {
        if (x.DType != DType.Float32 || !IsF32(w) || !IsF32(y) || x.Rank != 4 || w.Rank != 4 || y.Rank != 4 || groups <= 0) return false;
        if (z is not null && (!IsF32(z) || !z.Sizes.SequenceEqual(y.Sizes))) return false;
        long n = x.Sizes[0], c = x.Sizes[1], h = x.Sizes[2], wd = x.Sizes[3];
        long oc = w.Sizes[0], cg = w.Sizes[1], kh = w.Sizes[2], kw = w.Sizes[3];
        long sh = Int(stride, 0), sw = Int(stride, 1), ph = Int(padding, 0), pw = Int(padding, 1), dh = Int(dilation, 0), dw = Int(dilation, 1);
        if (c != cg * groups || oc % groups != 0 || !IsF32(bias, oc) || sh <= 0 || sw <= 0 || dh <= 0 || dw <= 0 || ph < 0 || pw < 0) return false;
        long oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (wd + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        if (y.Sizes[0] != n || y.Sizes[1] != oc || y.Sizes[2] != oh || y.Sizes[3] != ow || oh <= 0 || ow <= 0) return false;
        if (y.NumElements > int.MaxValue || x.NumElements > int.MaxValue
            || !Conv2dShape.TryCreate(n, c, h, wd, oc, groups, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, out var shape)) return false;
        // A strided input (a permuted channels-last view) is read from a contiguous copy in this thread's scratch.
        if (!x.IsContiguous) x = ContiguousScratch.Copy(x);
        ConvGemm.Run<float>(shape, x, w, bias, z, y, relu, CpuThreads.Count);
        return true;
    }
}
