using System.Numerics;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Softmax and layer norm of one row of a contiguous buffer, with the statistics in double as
/// the ordinary kernels keep them. The out-variants and the fused attention kernels share these,
/// so a row comes out the same whichever of them computed it. In place is allowed (x and y the
/// same span): each element is read before it is written.
/// </summary>
internal static class NormRows
{
    /// <summary>Rows up to this long keep their exponentials on the stack instead of computing them twice.</summary>
    private const int KeptExponentials = 256;

    /// <summary>softmax (or log_softmax) over x[start + j·stride], j &lt; length, into the same places of y.</summary>
    public static void Softmax<T>(ReadOnlySpan<T> x, Span<T> y, int start, int length, int stride, bool log)
        where T : unmanaged, IFloatingPointIeee754<T> => Softmax(x, start, stride, y, start, stride, length, log);

    /// <summary>softmax (or log_softmax) over x[xStart + j·xStride], j &lt; length, into y[yStart + j·yStride] (a strided input, a dense output).</summary>
    public static void Softmax<T>(ReadOnlySpan<T> x, int xStart, int xStride, Span<T> y, int yStart, int yStride, int length, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double max = double.NegativeInfinity;
        for (int j = 0; j < length; j++) max = Math.Max(max, double.CreateTruncating(x[xStart + j * xStride]));
        Span<double> kept = !log && length <= KeptExponentials ? stackalloc double[length] : [];
        double sum = 0;
        for (int j = 0; j < length; j++)
        {
            double e = Math.Exp(double.CreateTruncating(x[xStart + j * xStride]) - max);
            if (!kept.IsEmpty) kept[j] = e;
            sum += e;
        }
        double logSum = log ? Math.Log(sum) : 0;
        for (int j = 0; j < length; j++)
        {
            double v = double.CreateTruncating(x[xStart + j * xStride]);
            y[yStart + j * yStride] = T.CreateTruncating(log ? v - max - logSum : (kept.IsEmpty ? Math.Exp(v - max) : kept[j]) / sum);
        }
    }

    /// <summary>
    /// (x - mean) / sqrt(var + eps) · weight + bias over one row (the biased variance, as PyTorch);
    /// an empty weight or bias is absent.
    /// </summary>
    public static void LayerNorm<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, double eps, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length;
        double mean = 0;
        for (int j = 0; j < n; j++) mean += double.CreateTruncating(x[j]);
        mean /= n;
        double var = 0;
        for (int j = 0; j < n; j++)
        {
            double d = double.CreateTruncating(x[j]) - mean;
            var += d * d;
        }
        var /= n;
        double rstd = 1 / Math.Sqrt(var + eps);
        for (int j = 0; j < n; j++)
        {
            double w = weight.IsEmpty ? 1 : double.CreateTruncating(weight[j]);
            double b = bias.IsEmpty ? 0 : double.CreateTruncating(bias[j]);
            y[j] = T.CreateTruncating((double.CreateTruncating(x[j]) - mean) * rstd * w + b);
        }
    }
}
