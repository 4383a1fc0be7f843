using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Out.OutSupport;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// Out-variants of softmax, log_softmax, layer_norm and batch_norm in eval mode, with the ordinary
/// kernels' formulas and statistics accumulated in double.
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
        int rank = x.Rank, dim = (int)(dimArg < 0 ? dimArg + rank : dimArg);
        // Every position off dim, walked with the input's and the output's strides.
        Span<long> lines = stackalloc long[rank - 1], xStrides = stackalloc long[rank - 1], yStrides = stackalloc long[rank - 1];
        for (int d = 0, k = 0; d < rank; d++)
        {
            if (d == dim) continue;
            (lines[k], xStrides[k], yStrides[k]) = (x.Sizes[d], x.Strides[d], y.Strides[d]);
            k++;
        }
        var xData = x.StorageSpan<float>();
        var yData = y.StorageSpan<float>();
        var it = new ShapeIndexer(lines, xStrides, yStrides, stackalloc long[rank - 1]);
        do
        {
            NormRows.Softmax<float>(xData, (int)(x.StorageOffset + it.OffsetA), (int)x.Strides[dim],
                yData, (int)(y.StorageOffset + it.OffsetB), (int)y.Strides[dim], (int)x.Sizes[dim], log);
        } while (it.Next());
        return true;
    }

    // The scratch a strided layer_norm row is gathered into.
    private readonly struct LayerNormRow;

    // Any float32 input layout (a permuted channels-last view, say): a row that is not contiguous is
    // gathered into this thread's scratch first, then normalized as a contiguous one.
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
        if (!IsF32(weight, n) || !IsF32(bias, n) || n == 0 || n > int.MaxValue) return false;
        var ys = F32(y);
        var ws = weight is null ? default : F32(weight);
        var bs = bias is null ? default : F32(bias);
        if (x.IsContiguous || ys.IsEmpty)
        {
            var xs = F32(x);
            for (int start = 0; start < xs.Length; start += (int)n)
                NormRows.LayerNorm<float>(xs.Slice(start, (int)n), ws, bs, eps, ys.Slice(start, (int)n));
            return true;
        }
        // Rows: every index of the leading dims; a row's elements: the trailing k dims, with x's strides.
        int lead = x.Rank - k;
        var data = x.StorageSpan<float>();
        var row = ThreadScratch<float, LayerNormRow>.Take(n);
        Span<long> rowIndex = stackalloc long[k], outerIndex = stackalloc long[Math.Max(lead, 1)];
        var rowSizes = x.Sizes[lead..];
        var rowStrides = x.Strides[lead..];
        var rows = new ShapeIndexer(x.Sizes[..lead], x.Strides[..lead], x.Strides[..lead], outerIndex);
        int start2 = 0;
        do
        {
            var it = new ShapeIndexer(rowSizes, rowStrides, rowStrides, rowIndex);
            long origin = x.StorageOffset + rows.OffsetA;
            int j = 0;
            do row[j++] = data[(int)(origin + it.OffsetA)];
            while (it.Next());
            NormRows.LayerNorm<float>(row, ws, bs, eps, ys.Slice(start2, (int)n));
            start2 += (int)n;
        } while (lead > 0 && rows.Next());
        return true;
    }

    private static bool BatchNorm(Tensor x, Tensor? weight, Tensor? bias, Tensor? mean, Tensor? var, double eps, Tensor y)
    {
        if (!IsF32(x) || !IsF32(y) || x.Rank < 2 || !x.Sizes.SequenceEqual(y.Sizes) || mean is null || var is null) return false;
        long c = x.Sizes[1];
        if (!IsF32(weight, c) || !IsF32(bias, c) || !IsF32(mean, c) || !IsF32(var, c)) return false;
        long spatial = x.NumElements / Math.Max(1, x.Sizes[0] * c);
        var xs = F32(x);
        var ys = F32(y);
        var ms = F32(mean);
        var vs = F32(var);
        var ws = weight is null ? default : F32(weight);
        var bs = bias is null ? default : F32(bias);
        for (long e = 0; e < xs.Length; e++)
        {
            int ch = (int)(e / spatial % c);
            double rstd = 1 / Math.Sqrt(vs[ch] + eps);
            ys[(int)e] = (float)((xs[(int)e] - (double)ms[ch]) * rstd * (weight is null ? 1 : ws[ch]) + (bias is null ? 0 : bs[ch]));
        }
        return true;
    }
}
