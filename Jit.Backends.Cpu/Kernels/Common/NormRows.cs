using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Softmax and layer norm of one row of a contiguous buffer: softmax with its statistics in double,
/// layer norm of float32 in float as PyTorch (vectorized), of other types in double. The ordinary
/// and out-variant kernels and the fused attention kernels share these, so a row comes out the
/// same whichever of them computed it. In place is allowed (x and y the
/// same span): each element is read before it is written.
/// </summary>
internal static class NormRows
{
    /// <summary>
    /// Float32 unit-stride rows at least this long take <see cref="SoftmaxF32"/>; shorter ones cost
    /// more in its setup than in their few scalar exponentials (an attention row of 5: 75 ns scalar, 110 vector).
    /// </summary>
    private const int VectorRowLength = 16;

    /// <summary>Rows up to this long keep their exponentials on the stack instead of computing them twice.</summary>
    private const int KeptExponentials = 256;

    /// <summary>softmax (or log_softmax) over x[start + j·stride], j &lt; length, into the same places of y.</summary>
    public static void Softmax<T>(ReadOnlySpan<T> x, Span<T> y, int start, int length, int stride, bool log)
        where T : unmanaged, IFloatingPointIeee754<T> => Softmax(x, start, stride, y, start, stride, length, log);

    /// <summary>softmax (or log_softmax) over x[xStart + j·xStride], j &lt; length, into y[yStart + j·yStride] (a strided input, a dense output).</summary>
    public static void Softmax<T>(ReadOnlySpan<T> x, int xStart, int xStride, Span<T> y, int yStart, int yStride, int length, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && xStride == 1 && yStride == 1 && length >= VectorRowLength && Vector256.IsHardwareAccelerated)
        {
            SoftmaxF32(MemoryMarshal.Cast<T, float>(x).Slice(xStart, length), MemoryMarshal.Cast<T, float>(y).Slice(yStart, length), log);
            return;
        }
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
    /// A unit-stride float32 row as PyTorch's vectorized CPU kernel computes it, in float: the
    /// maximum, e = exp(x - max) stored into y while summing, then y = e · (1 / sum), or for
    /// log_softmax y = x - max - log(sum). One exponential per element with the compiled kernels'
    /// vector exp (the double path took two of Math.Exp, about 10 ns per element). The row's last
    /// partial vector is padded with -inf, whose exponential adds nothing, so every element goes
    /// through the same vector arithmetic. A NaN anywhere makes the whole row NaN, as in PyTorch.
    /// </summary>
    private static void SoftmaxF32(ReadOnlySpan<float> x, Span<float> y, bool log)
    {
        const int w = 8;
        int n = x.Length, full = n / w * w;
        ref float xs = ref MemoryMarshal.GetReference(x);
        ref float ys = ref MemoryMarshal.GetReference(y);
        Span<float> lanes = stackalloc float[w];
        lanes.Fill(float.NegativeInfinity);
        x[full..].CopyTo(lanes);
        var last = Vector256.Create<float>(lanes);
        var maxv = last;
        var nan = Vector256.Equals(last, last);
        for (int j = 0; j < full; j += w)
        {
            var v = Vector256.LoadUnsafe(ref xs, (nuint)j);
            maxv = Vector256.MaxNative(maxv, v);
            nan &= Vector256.Equals(v, v);
        }
        float max = HorizontalMax(maxv);
        if (nan.ExtractMostSignificantBits() != 0xFF) max = float.NaN; // some lane saw a NaN (x != x)
        var m = Vector256.Create(max);
        var sumv = Vector256<float>.Zero;
        for (int j = 0; j < full; j += w)
        {
            var d = Vector256.LoadUnsafe(ref xs, (nuint)j) - m;
            var e = Codegen.VectorMath.Exp(d);
            sumv += e;
            if (!log) e.StoreUnsafe(ref ys, (nuint)j);
        }
        var eLast = Codegen.VectorMath.Exp(last - m);
        sumv += eLast;
        float sum = Vector256.Sum(sumv);
        if (log)
        {
            var shift = Vector256.Create(max + MathF.Log(sum));
            for (int j = 0; j < full; j += w) (Vector256.LoadUnsafe(ref xs, (nuint)j) - shift).StoreUnsafe(ref ys, (nuint)j);
            (last - shift).CopyTo(lanes);
        }
        else
        {
            var scale = Vector256.Create(1 / sum);
            for (int j = 0; j < full; j += w) (Vector256.LoadUnsafe(ref ys, (nuint)j) * scale).StoreUnsafe(ref ys, (nuint)j);
            (eLast * scale).CopyTo(lanes);
        }
        lanes[..(n - full)].CopyTo(y[full..]);
    }

    private static float HorizontalMax(Vector256<float> v)
    {
        float m = v.GetElement(0);
        for (int i = 1; i < Vector256<float>.Count; i++) m = MathF.Max(m, v.GetElement(i));
        return m;
    }

    /// <summary>
    /// softmax (or log_softmax) along <paramref name="dim"/> of float32 <paramref name="x"/>, any
    /// layout, into <paramref name="y"/> of the same sizes: each line along dim on its own.
    /// </summary>
    public static void SoftmaxLines(Tensor x, int dim, bool log, Tensor y)
    {
        int rank = x.Rank;
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
            Softmax<float>(xData, (int)(x.StorageOffset + it.OffsetA), (int)x.Strides[dim],
                yData, (int)(y.StorageOffset + it.OffsetB), (int)y.Strides[dim], (int)x.Sizes[dim], log);
        } while (it.Next());
    }

    /// <summary>
    /// (x - mean) / sqrt(var + eps) · weight + bias over one row (the biased variance, as PyTorch);
    /// an empty weight or bias is absent. float32 rows take <see cref="LayerNormF32"/>, PyTorch's
    /// float computation; other types keep their statistics in double.
    /// </summary>
    public static void LayerNorm<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, double eps, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            LayerNormF32(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(weight), MemoryMarshal.Cast<T, float>(bias),
                (float)eps, MemoryMarshal.Cast<T, float>(y), out _, out _);
            return;
        }
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

    /// <summary>
    /// Layer norm of one non-empty float32 row as PyTorch's CPU kernel computes it, in float and
    /// vectorized: the mean, then the biased variance about it, rstd = 1 / sqrt(var + eps), and
    /// y = (x − mean)·rstd·weight + bias (PyTorch folds the mean into x·rstd − rstd·mean, which
    /// loses bits to cancellation when the mean is large against the spread). In place is allowed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LayerNormF32(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, float eps, Span<float> y,
        out float mean, out float rstd)
    {
        int n = x.Length;
        ref float xr = ref MemoryMarshal.GetReference(x);
        mean = Sum(ref xr, n) / n;
        float var = SquaredDeviations(ref xr, n, mean) / n;
        rstd = 1 / MathF.Sqrt(var + eps);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float wr = ref MemoryMarshal.GetReference(weight);
        ref float br = ref MemoryMarshal.GetReference(bias);
        bool hasW = !weight.IsEmpty, hasB = !bias.IsEmpty;
        var vm = Vector256.Create(mean);
        var vr = Vector256.Create(rstd);
        int j = 0;
        if (hasW && hasB)
        {
            for (; j + 8 <= n; j += 8)
                ((Vector256.LoadUnsafe(ref xr, (nuint)j) - vm) * vr * Vector256.LoadUnsafe(ref wr, (nuint)j) + Vector256.LoadUnsafe(ref br, (nuint)j))
                    .StoreUnsafe(ref yr, (nuint)j);
        }
        else
        {
            for (; j + 8 <= n; j += 8)
            {
                var v = (Vector256.LoadUnsafe(ref xr, (nuint)j) - vm) * vr;
                if (hasW) v *= Vector256.LoadUnsafe(ref wr, (nuint)j);
                if (hasB) v += Vector256.LoadUnsafe(ref br, (nuint)j);
                v.StoreUnsafe(ref yr, (nuint)j);
            }
        }
        for (; j < n; j++)
        {
            float v = (x[j] - mean) * rstd;
            if (hasW) v *= weight[j];
            if (hasB) v += bias[j];
            y[j] = v;
        }
    }

    /// <summary>Σ x[j] over n floats: four vector accumulators, then the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sum(ref float x, int n)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int j = 0;
        for (; j + 32 <= n; j += 32)
        {
            a0 += Vector256.LoadUnsafe(ref x, (nuint)j);
            a1 += Vector256.LoadUnsafe(ref x, (nuint)(j + 8));
            a2 += Vector256.LoadUnsafe(ref x, (nuint)(j + 16));
            a3 += Vector256.LoadUnsafe(ref x, (nuint)(j + 24));
        }
        for (; j + 8 <= n; j += 8) a0 += Vector256.LoadUnsafe(ref x, (nuint)j);
        float s = Vector256.Sum((a0 + a1) + (a2 + a3));
        for (; j < n; j++) s += Unsafe.Add(ref x, j);
        return s;
    }

    /// <summary>Σ (x[j] − center)² over n floats, accumulated as <see cref="Sum"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SquaredDeviations(ref float x, int n, float center)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        var c = Vector256.Create(center);
        int j = 0;
        for (; j + 32 <= n; j += 32)
        {
            var d0 = Vector256.LoadUnsafe(ref x, (nuint)j) - c;
            var d1 = Vector256.LoadUnsafe(ref x, (nuint)(j + 8)) - c;
            var d2 = Vector256.LoadUnsafe(ref x, (nuint)(j + 16)) - c;
            var d3 = Vector256.LoadUnsafe(ref x, (nuint)(j + 24)) - c;
            a0 += d0 * d0;
            a1 += d1 * d1;
            a2 += d2 * d2;
            a3 += d3 * d3;
        }
        for (; j + 8 <= n; j += 8)
        {
            var d = Vector256.LoadUnsafe(ref x, (nuint)j) - c;
            a0 += d * d;
        }
        float s = Vector256.Sum((a0 + a1) + (a2 + a3));
        for (; j < n; j++)
        {
            float d = Unsafe.Add(ref x, j) - center;
            s += d * d;
        }
        return s;
    }

    /// <summary>
    /// Float32 layer norm over the last <paramref name="dims"/> dims of <paramref name="x"/>, any
    /// strides, into the contiguous <paramref name="y"/> (rows of n in order), with each row's mean
    /// and rstd when <paramref name="means"/> and <paramref name="rstds"/> are not empty. A row
    /// whose elements are not one unit-stride run is gathered first into a per-thread buffer
    /// (a permuted NCHW activation normalized over C). The ordinary and out-variant kernels both
    /// come here.
    /// </summary>
    public static void LayerNormF32(Tensor x, int dims, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, float eps, Span<float> y,
        Span<float> means, Span<float> rstds)
    {
        int rank = x.Rank, lead = rank - dims;
        var sizes = x.Sizes;
        var strides = x.Strides;
        int n = 1;
        for (int d = lead; d < rank; d++) n *= (int)sizes[d];
        if (n == 0 || y.IsEmpty) return;
        bool unit = true;
        for (int d = rank - 1, next = 1; d >= lead; d--)
        {
            if (sizes[d] == 1) continue;
            unit &= strides[d] == next;
            next *= (int)sizes[d];
        }
        var src = x.StorageSpan<float>();
        Span<float> row = unit ? default : RowBuffer(n);
        Span<long> index = stackalloc long[Math.Max(lead, 1)];
        index.Clear();
        long offset = x.StorageOffset;
        for (int r = 0, at = 0; at < y.Length; r++, at += n)
        {
            ReadOnlySpan<float> xr;
            if (unit) xr = src.Slice((int)offset, n);
            else
            {
                Gather(src, offset, sizes[lead..], strides[lead..], row);
                xr = row;
            }
            LayerNormF32(xr, weight, bias, eps, y.Slice(at, n), out float mean, out float rstd);
            if (!means.IsEmpty) means[r] = mean;
            if (!rstds.IsEmpty) rstds[r] = rstd;
            for (int d = lead - 1; d >= 0; d--)
            {
                offset += strides[d];
                if (++index[d] < sizes[d]) break;
                offset -= strides[d] * sizes[d];
                index[d] = 0;
            }
        }
    }

    private readonly struct GatheredRow;

    private static Span<float> RowBuffer(int n) => ThreadScratch<float, GatheredRow>.Take(n);

    /// <summary>The elements of one strided block (sizes, strides from <paramref name="offset"/>) in row-major order into <paramref name="dst"/>.</summary>
    private static void Gather(ReadOnlySpan<float> src, long offset, ReadOnlySpan<long> sizes, ReadOnlySpan<long> strides, Span<float> dst)
    {
        int k = sizes.Length;
        int inner = (int)sizes[k - 1];
        long innerStride = strides[k - 1];
        Span<long> index = stackalloc long[k];
        index.Clear();
        for (int at = 0; at < dst.Length; at += inner)
        {
            long o = offset;
            for (int j = 0; j < inner; j++, o += innerStride) dst[at + j] = src[(int)o];
            for (int d = k - 2; d >= 0; d--)
            {
                offset += strides[d];
                if (++index[d] < sizes[d]) break;
                offset -= strides[d] * sizes[d];
                index[d] = 0;
            }
        }
    }
}
