using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Out.OutSupport;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// Out-variants of softmax, log_softmax, layer_norm and batch_norm in eval mode, with the ordinary
/// kernels' formulas: statistics accumulated in double, but layer norm's in float as PyTorch's.
/// </summary>
internal static class OutNormKernels
{
    public static void Register(KernelTable t)
    {
        Add(t, "aten::softmax.int", (i, o) => i[2].IsNone && Softmax(i[0].AsTensor, i[1].AsInt, log: false, o));
        Add(t, "aten::log_softmax.int", (i, o) => i[2].IsNone && Softmax(i[0].AsTensor, i[1].AsInt, log: true, o));
        // layer_norm(input, normalized_shape, weight?, bias?, eps, cudnn_enable)
        Add(t, "aten::layer_norm", (i, o) => LayerNorm(i[0].AsTensor, i[1], i[2].AsTensorOrNull, i[3].AsTensorOrNull, i[4].AsDouble, o));
        // batch_norm(input, weight?, bias?, running_mean?, running_var?, training, momentum, eps, cudnn_enabled)
        Add(t, "aten::batch_norm", (i, o) => !i[5].AsBool && BatchNorm(i[0].AsTensor, i[1].AsTensorOrNull, i[2].AsTensorOrNull,
            i[3].AsTensorOrNull, i[4].AsTensorOrNull, i[7].AsDouble, o));
    }

    // Any float32 input layout (a chunk or slice of a row, say); each line along dim is normalized on its own.
    private static bool Softmax(Tensor x, long dimArg, bool log, Tensor y)
    {
        if (x.DType != DType.Float32 || !IsF32(y) || x.Rank == 0 || !x.Sizes.SequenceEqual(y.Sizes)) return false;
        if (dimArg < -x.Rank || dimArg >= x.Rank) return false;
        if (x.NumElements == 0) return true;
        int dim = (int)(dimArg < 0 ? dimArg + x.Rank : dimArg);
        NormRows.SoftmaxLines(x, dim, log, y);
        return true;
    }

    // Any float32 input layout; the kernel's computation (NormRows.LayerNormF32), without its statistics.
    private static bool LayerNorm(Tensor x, IValue normalizedShape, Tensor? weight, Tensor? bias, double eps, Tensor y)
    {
        if (x.DType != DType.Float32 || !IsF32(y) || !x.Sizes.SequenceEqual(y.Sizes) || !normalizedShape.IsList) return false;
        var ns = normalizedShape.AsList;
        int k = ns.Count;
        if (k == 0 || k > x.Rank) return false;
        long n = 1;
        for (int d = 0; d < k; d++)
        {
            if (x.Sizes[x.Rank - k + d] != ns[d].AsInt) return false;
            n *= ns[d].AsInt;
        }
        if (!IsF32(weight, n) || !IsF32(bias, n) || n == 0) return false;
        var ws = weight is null ? default : F32(weight);
        var bs = bias is null ? default : F32(bias);
        NormRows.LayerNormF32(x, k, ws, bs, (float)eps, F32(y), default, default);
        return true;
    }

    private static bool BatchNorm(Tensor x, Tensor? weight, Tensor? bias, Tensor? mean, Tensor? var, double eps, Tensor y)
    {
        if (mean is null || var is null || !IsF32(y) || !x.Sizes.SequenceEqual(y.Sizes) || !BatchNormPlanes.Applies(x, weight, bias, mean, var)) return false;
        BatchNormPlanes.Run(x, weight, bias, mean, var, eps, y);
        return true;
    }
}
