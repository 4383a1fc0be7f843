using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The 2-D pools (max, avg, adaptive avg/max) over a float32 or float64 [N, C, H, W] or [C, H, W]
/// input of any strides, into a contiguous output of the same rank (and int64 indices). The one
/// implementation the ordinary kernels and the static runtime's out-variants both run, so they
/// give the same bits and nothing here allocates.
/// <para>
/// Float32 planes whose rows are contiguous run eight output columns at a time (AVX2) over the
/// columns whose windows lie inside the row, each lane visiting its window in the scalar order;
/// the columns at the edges, indices, float64 and other layouts take the scalar loops. Max pooling
/// keeps PyTorch's rule in every lane: a value replaces the maximum when greater or NaN, so NaN
/// propagates (the last one wins, as its index), and among equal values the first stays.
/// </para>
/// </summary>
internal static unsafe class Pool2d
{
    private const int Lanes = 8;

    /// <summary>Sizes and element strides of a pool's input, [C, H, W] read as one batch.</summary>
    private readonly struct Planes
    {
        public readonly long N, C, H, W, SN, SC, SH, SW;

        public Planes(Tensor x)
        {
            int r = x.Rank;
            N = r == 4 ? x.Sizes[0] : 1;
            SN = r == 4 ? x.Strides[0] : 0;
            C = x.Sizes[r - 3];
            SC = x.Strides[r - 3];
            H = x.Sizes[r - 2];
            SH = x.Strides[r - 2];
            W = x.Sizes[r - 1];
            SW = x.Strides[r - 1];
        }

        public long Offset(long plane) => plane / C * SN + plane % C * SC;
    }

    /// <summary>The output columns [a, b) a float32 row runs eight at a time: those whose windows lie inside a unit-stride row; (0, 0) where none do.</summary>
    private static (long, long) RowColumns(in Planes s, in PoolGeometry g) => s.SW == 1 && Avx2.IsSupported ? InteriorColumns(g, s.W) : (0, 0);

    private static bool HasRowColumns(in Planes s, in PoolGeometry g)
    {
        var (a, b) = RowColumns(s, g);
        return b > a;
    }

    /// <summary>
    /// Whether a float32 pool runs eight channels at a time (every output, window by window, a
    /// gather where channels are not adjacent): where there are eight channels and the rows run no vectors.
    /// </summary>
    private static bool Channels(in Planes s, bool rows) =>
        Avx2.IsSupported && s.C >= Lanes && s.SC <= int.MaxValue / Lanes && s.H * s.W <= int.MaxValue && !rows;

    // ---- max_pool2d ----

    /// <summary>max_pool2d of <paramref name="x"/> into <paramref name="values"/> (and <paramref name="indices"/>: flat h·W + w, when given).</summary>
    public static void Max(Tensor x, in PoolGeometry g, Tensor values, Tensor? indices)
    {
        var s = new Planes(x);
        fixed (long* ix = indices is null ? default : indices.ContiguousSpan<long>())
        {
            if (x.DType == DType.Float32)
            {
                fixed (float* xs = x.StorageSpan<float>(), ys = values.ContiguousSpan<float>())
                {
                    // The rows' vectors report no indices: with indices, channels are the vector path.
                    if (!Channels(s, ix == null && HasRowColumns(s, g))) MaxPlanes(xs + x.StorageOffset, s, g, ys, ix);
                    else if (s.SC == 1) MaxChannels<Contiguous>(xs + x.StorageOffset, s, g, ys, ix);
                    else MaxChannels<Gathered>(xs + x.StorageOffset, s, g, ys, ix);
                }
            }
            else
            {
                fixed (double* xs = x.StorageSpan<double>(), ys = values.ContiguousSpan<double>())
                    MaxPlanes(xs + x.StorageOffset, s, g, ys, ix);
            }
        }
    }

    private static void MaxPlanes<T>(T* x, in Planes s, in PoolGeometry g, T* y, long* ix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long area = g.OH * g.OW;
        var (a, b) = typeof(T) == typeof(float) && ix == null ? RowColumns(s, g) : (0, 0);
        for (long p = 0; p < s.N * s.C; p++)
        {
            T* src = x + s.Offset(p);
            for (long oy = 0; oy < g.OH; oy++)
            {
                var (y0, y1) = MaxPoolWindow.Taps(oy, g.SH, g.PH, g.KH, g.DH, s.H);
                long o = p * area + oy * g.OW;
                long* irow = ix == null ? null : ix + o;
                MaxColumns(src, s, g, y0, y1, 0, a, y + o, irow);
                if (b > a)
                {
                    if (g.SW == 1) MaxVector<Contiguous>((float*)src, s.SH, g, y0, y1, a, b, (float*)(y + o));
                    else if (g.SW == 2) MaxVector<EveryOther>((float*)src, s.SH, g, y0, y1, a, b, (float*)(y + o));
                    else MaxVector<Gathered>((float*)src, s.SH, g, y0, y1, a, b, (float*)(y + o));
                }
                MaxColumns(src, s, g, y0, y1, b, g.OW, y + o, irow);
            }
        }
    }

    /// <summary>Output columns [from, to) of one row, one window at a time (PyTorch's loop).</summary>
    private static void MaxColumns<T>(T* src, in Planes s, in PoolGeometry g, long y0, long y1, long from, long to, T* dst, long* idx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long ox = from; ox < to; ox++)
        {
            var (x0, x1) = MaxPoolWindow.Taps(ox, g.SW, g.PW, g.KW, g.DW, s.W);
            T m = T.NegativeInfinity;
            long best = y0 * s.W + x0;
            for (long yy = y0; yy < y1; yy += g.DH)
            {
                T* row = src + yy * s.SH;
                for (long xx = x0; xx < x1; xx += g.DW)
                {
                    T v = row[xx * s.SW];
                    if (v > m || T.IsNaN(v))
                    {
                        m = v;
                        best = yy * s.W + xx;
                    }
                }
            }
            dst[ox] = m;
            if (idx != null) idx[ox] = best;
        }
    }

    private static void MaxVector<TLoad>(float* src, long sh, in PoolGeometry g, long y0, long y1, long a, long b, float* dst)
        where TLoad : IColumnLoad
    {
        var step = TLoad.Steps(g.SW);
        for (long ox = a; ; ox += Lanes)
        {
            if (ox + Lanes > b)
            {
                if (ox == b) break;
                ox = b - Lanes; // the last block overlaps the one before: the same values again
            }
            float* col = src + ox * g.SW - g.PW;
            var m = Vector256.Create(float.NegativeInfinity);
            for (long yy = y0; yy < y1; yy += g.DH)
            {
                float* row = col + yy * sh;
                for (long t = 0; t < g.KW; t++) m = NanMax(m, TLoad.Load(row + t * g.DW, step));
            }
            TLoad.Finish(m).Store(dst + ox);
        }
    }

    /// <summary>PyTorch's max update in every lane: <paramref name="v"/> replaces <paramref name="m"/> when greater or NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> NanMax(Vector256<float> m, Vector256<float> v) =>
        Avx.BlendVariable(m, v, Avx.CompareGreaterThan(v, m) | Avx.Compare(v, v, FloatComparisonMode.UnorderedNonSignaling));

    /// <summary>
    /// The output columns [a, b) whose windows lie inside the row (no padding taps), when there are
    /// at least one vector's worth; (0, 0) otherwise. A lane's loads stay inside its window.
    /// </summary>
    private static (long, long) InteriorColumns(in PoolGeometry g, long w)
    {
        long a = (g.PW + g.SW - 1) / g.SW;
        long last = w - 1 - (g.KW - 1) * g.DW + g.PW;
        long b = last < 0 ? 0 : Math.Min(last / g.SW + 1, g.OW);
        return b - a >= Lanes ? (a, b) : (0, 0);
    }

    // ---- avg_pool2d ----

    /// <summary>avg_pool2d of <paramref name="x"/> into <paramref name="values"/>; <paramref name="divisor"/> 0 means none.</summary>
    public static void Avg(Tensor x, in PoolGeometry g, bool includePad, long divisor, Tensor values)
    {
        var s = new Planes(x);
        if (x.DType == DType.Float32)
        {
            fixed (float* xs = x.StorageSpan<float>(), ys = values.ContiguousSpan<float>())
            {
                if (!Channels(s, HasRowColumns(s, g))) AvgPlanes(xs + x.StorageOffset, s, g, includePad, divisor, ys);
                else if (s.SC == 1) AvgChannels<Contiguous>(xs + x.StorageOffset, s, g, includePad, divisor, ys);
                else AvgChannels<Gathered>(xs + x.StorageOffset, s, g, includePad, divisor, ys);
            }
        }
        else
        {
            fixed (double* xs = x.StorageSpan<double>(), ys = values.ContiguousSpan<double>())
                AvgPlanes(xs + x.StorageOffset, s, g, includePad, divisor, ys);
        }
    }

    private static void AvgPlanes<T>(T* x, in Planes s, in PoolGeometry g, bool includePad, long divisor, T* y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long area = g.OH * g.OW;
        long? over = divisor != 0 ? divisor : null;
        var (a, b) = typeof(T) == typeof(float) ? RowColumns(s, g) : (0, 0);
        for (long p = 0; p < s.N * s.C; p++)
        {
            T* src = x + s.Offset(p);
            for (long oy = 0; oy < g.OH; oy++)
            {
                T* dst = y + p * area + oy * g.OW;
                long from = 0;
                if (b > a)
                {
                    // Inside the row every window has the same rows, KW columns and divisor.
                    var win = AvgPoolWindow.At(oy, a, g.SH, g.SW, g.PH, g.PW, g.KH, g.KW, s.H, s.W);
                    if (!win.IsEmpty)
                    {
                        AvgColumns(src, s, g, oy, includePad, over, 0, a, dst);
                        float div = win.Divisor(over, includePad);
                        if (g.SW == 1) AvgVector<Contiguous>((float*)src, s.SH, g, win, div, a, b, (float*)dst);
                        else if (g.SW == 2) AvgVector<EveryOther>((float*)src, s.SH, g, win, div, a, b, (float*)dst);
                        else AvgVector<Gathered>((float*)src, s.SH, g, win, div, a, b, (float*)dst);
                        from = b;
                    }
                }
                AvgColumns(src, s, g, oy, includePad, over, from, g.OW, dst);
            }
        }
    }

    private static void AvgColumns<T>(T* src, in Planes s, in PoolGeometry g, long oy, bool includePad, long? divisor, long from, long to, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long ox = from; ox < to; ox++)
        {
            var win = AvgPoolWindow.At(oy, ox, g.SH, g.SW, g.PH, g.PW, g.KH, g.KW, s.H, s.W);
            if (win.IsEmpty)
            {
                dst[ox] = T.Zero;
                continue;
            }
            T sum = T.Zero;
            for (long yy = win.Y0; yy < win.Y1; yy++)
            {
                T* row = src + yy * s.SH;
                for (long xx = win.X0; xx < win.X1; xx++) sum += row[xx * s.SW];
            }
            dst[ox] = sum / T.CreateChecked(win.Divisor(divisor, includePad));
        }
    }

    private static void AvgVector<TLoad>(float* src, long sh, in PoolGeometry g, AvgPoolWindow win, float div, long a, long b, float* dst)
        where TLoad : IColumnLoad
    {
        var step = TLoad.Steps(g.SW);
        var divisor = Vector256.Create(div);
        for (long ox = a; ; ox += Lanes)
        {
            if (ox + Lanes > b)
            {
                if (ox == b) break;
                ox = b - Lanes;
            }
            float* col = src + ox * g.SW - g.PW;
            var sum = Vector256<float>.Zero;
            for (long yy = win.Y0; yy < win.Y1; yy++)
            {
                float* row = col + yy * sh;
                for (long t = 0; t < g.KW; t++) sum += TLoad.Load(row + t, step);
            }
            (TLoad.Finish(sum) / divisor).Store(dst + ox);
        }
    }

    // ---- adaptive pools ----

    /// <summary>Rows (or columns) [start, end) of adaptive output position <paramref name="o"/>: PyTorch's start_index/end_index.</summary>
    private static (long, long) AdaptiveSpan(long o, long input, long output) => (o * input / output, ((o + 1) * input + output - 1) / output);

    /// <summary>adaptive_avg_pool2d (indices null) or adaptive_max_pool2d; the output size is <paramref name="values"/>' last two dims.</summary>
    public static void Adaptive(Tensor x, Tensor values, Tensor? indices, bool max)
    {
        var s = new Planes(x);
        long oh = values.Sizes[^2], ow = values.Sizes[^1];
        fixed (long* ix = indices is null ? default : indices.ContiguousSpan<long>())
        {
            if (x.DType == DType.Float32)
            {
                fixed (float* xs = x.StorageSpan<float>(), ys = values.ContiguousSpan<float>())
                {
                    // Windows at least a vector wide: the rows' sums; narrower ones eight channels at a time.
                    bool wide = s.SW == 1 && s.W / Math.Max(ow, 1) >= Lanes;
                    if (max || !Channels(s, wide)) AdaptivePlanes(xs + x.StorageOffset, s, oh, ow, max, ys, ix);
                    else if (s.SC == 1) AdaptiveChannels<Contiguous>(xs + x.StorageOffset, s, oh, ow, ys);
                    else AdaptiveChannels<Gathered>(xs + x.StorageOffset, s, oh, ow, ys);
                }
            }
            else
            {
                fixed (double* xs = x.StorageSpan<double>(), ys = values.ContiguousSpan<double>())
                    AdaptivePlanes(xs + x.StorageOffset, s, oh, ow, max, ys, ix);
            }
        }
    }

    private static void AdaptivePlanes<T>(T* x, in Planes s, long oh, long ow, bool max, T* y, long* ix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long p = 0; p < s.N * s.C; p++)
        {
            T* src = x + s.Offset(p);
            for (long oy = 0; oy < oh; oy++)
            {
                var (y0, y1) = AdaptiveSpan(oy, s.H, oh);
                for (long ox = 0; ox < ow; ox++)
                {
                    var (x0, x1) = AdaptiveSpan(ox, s.W, ow);
                    long o = (p * oh + oy) * ow + ox;
                    if (!max)
                    {
                        y[o] = Sum(src, s, y0, y1, x0, x1) / T.CreateChecked((y1 - y0) * (x1 - x0));
                        continue;
                    }
                    T m = T.NegativeInfinity;
                    long best = y0 * s.W + x0;
                    for (long yy = y0; yy < y1; yy++)
                    {
                        for (long xx = x0; xx < x1; xx++)
                        {
                            T v = src[yy * s.SH + xx * s.SW];
                            if (v > m || T.IsNaN(v))
                            {
                                m = v;
                                best = yy * s.W + xx;
                            }
                        }
                    }
                    y[o] = m;
                    if (ix != null) ix[o] = best;
                }
            }
        }
    }

    /// <summary>
    /// The sum of rows [y0, y1) × columns [x0, x1): float32 rows with unit stride eight lanes at a
    /// time (one run when the rows are back to back, as for a whole plane), the rest in order.
    /// </summary>
    private static T Sum<T>(T* src, in Planes s, long y0, long y1, long x0, long x1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long cols = x1 - x0;
        if (typeof(T) == typeof(float) && s.SW == 1 && cols >= Lanes && Vector256.IsHardwareAccelerated)
        {
            float* start = (float*)src + y0 * s.SH + x0;
            if (s.SH == cols) return T.CreateTruncating(SumRun(start, (y1 - y0) * cols));
            float total = 0;
            for (long yy = 0; yy < y1 - y0; yy++) total += SumRun(start + yy * s.SH, cols);
            return T.CreateTruncating(total);
        }
        T sum = T.Zero;
        for (long yy = y0; yy < y1; yy++)
        {
            T* row = src + yy * s.SH;
            for (long xx = x0; xx < x1; xx++) sum += row[xx * s.SW];
        }
        return sum;
    }

    /// <summary>The sum of <paramref name="n"/> consecutive floats: four vector accumulators, then the tail in order.</summary>
    private static float SumRun(float* p, long n)
    {
        var s0 = Vector256<float>.Zero;
        var s1 = Vector256<float>.Zero;
        var s2 = Vector256<float>.Zero;
        var s3 = Vector256<float>.Zero;
        long i = 0;
        for (; i + 4 * Lanes <= n; i += 4 * Lanes)
        {
            s0 += Vector256.Load(p + i);
            s1 += Vector256.Load(p + i + Lanes);
            s2 += Vector256.Load(p + i + 2 * Lanes);
            s3 += Vector256.Load(p + i + 3 * Lanes);
        }
        for (; i + Lanes <= n; i += Lanes) s0 += Vector256.Load(p + i);
        float sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        for (; i < n; i++) sum += p[i];
        return sum;
    }

    // ---- eight channels at a time ----

    /// <summary>
    /// Channel blocks [c, c + 8) of every batch (the last one overlapping the one before where C is
    /// not a multiple of 8): <paramref name="body"/> gets the block's first input and output element.
    /// </summary>
    private static void ForChannelBlocks<TBody>(float* x, in Planes s, long area, float* y, long* ix, ref TBody body)
        where TBody : struct, IChannelBody
    {
        for (long n = 0; n < s.N; n++)
        {
            for (long c = 0; ; c += Lanes)
            {
                if (c + Lanes > s.C)
                {
                    if (c == s.C) break;
                    c = s.C - Lanes;
                }
                long o = (n * s.C + c) * area;
                body.Run(x + n * s.SN + c * s.SC, y + o, ix == null ? null : ix + o);
            }
        }
    }

    private interface IChannelBody
    {
        void Run(float* src, float* dst, long* idx);
    }

    /// <summary>Writes lane l of <paramref name="v"/> to dst[l·area] (the same output position of eight planes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scatter(Vector256<float> v, float* dst, long area)
    {
        for (int l = 0; l < Lanes; l++) dst[l * area] = v.GetElement(l);
    }

    private static void MaxChannels<TLoad>(float* x, in Planes s, in PoolGeometry g, float* y, long* ix) where TLoad : IColumnLoad
    {
        var body = new MaxChannelBody<TLoad>(s, g, TLoad.Steps(s.SC));
        ForChannelBlocks(x, s, g.OH * g.OW, y, ix, ref body);
    }

    private readonly struct MaxChannelBody<TLoad>(Planes s, PoolGeometry g, Vector256<int> step) : IChannelBody where TLoad : IColumnLoad
    {
        public void Run(float* src, float* dst, long* idx)
        {
            long area = g.OH * g.OW;
            for (long oy = 0; oy < g.OH; oy++)
            {
                var (y0, y1) = MaxPoolWindow.Taps(oy, g.SH, g.PH, g.KH, g.DH, s.H);
                for (long ox = 0; ox < g.OW; ox++)
                {
                    var (x0, x1) = MaxPoolWindow.Taps(ox, g.SW, g.PW, g.KW, g.DW, s.W);
                    var m = Vector256.Create(float.NegativeInfinity);
                    var best = Vector256.Create((int)(y0 * s.W + x0));
                    for (long yy = y0; yy < y1; yy += g.DH)
                    {
                        float* row = src + yy * s.SH;
                        for (long xx = x0; xx < x1; xx += g.DW)
                        {
                            var v = TLoad.Load(row + xx * s.SW, step);
                            var take = Avx.CompareGreaterThan(v, m) | Avx.Compare(v, v, FloatComparisonMode.UnorderedNonSignaling);
                            m = Avx.BlendVariable(m, v, take);
                            if (idx != null) best = Avx2.BlendVariable(best, Vector256.Create((int)(yy * s.W + xx)), take.AsInt32());
                        }
                    }
                    long o = oy * g.OW + ox;
                    Scatter(m, dst + o, area);
                    if (idx != null)
                    {
                        for (int l = 0; l < Lanes; l++) idx[o + l * area] = best.GetElement(l);
                    }
                }
            }
        }
    }

    private static void AvgChannels<TLoad>(float* x, in Planes s, in PoolGeometry g, bool includePad, long divisor, float* y) where TLoad : IColumnLoad
    {
        var body = new AvgChannelBody<TLoad>(s, g, includePad, divisor != 0 ? divisor : null, TLoad.Steps(s.SC));
        ForChannelBlocks(x, s, g.OH * g.OW, y, null, ref body);
    }

    private readonly struct AvgChannelBody<TLoad>(Planes s, PoolGeometry g, bool includePad, long? divisor, Vector256<int> step) : IChannelBody
        where TLoad : IColumnLoad
    {
        public void Run(float* src, float* dst, long* idx)
        {
            long area = g.OH * g.OW;
            for (long oy = 0; oy < g.OH; oy++)
            {
                for (long ox = 0; ox < g.OW; ox++)
                {
                    var win = AvgPoolWindow.At(oy, ox, g.SH, g.SW, g.PH, g.PW, g.KH, g.KW, s.H, s.W);
                    var sum = Vector256<float>.Zero;
                    for (long yy = win.Y0; yy < win.Y1; yy++)
                    {
                        float* row = src + yy * s.SH;
                        for (long xx = win.X0; xx < win.X1; xx++) sum += TLoad.Load(row + xx * s.SW, step);
                    }
                    Scatter(win.IsEmpty ? sum : sum / Vector256.Create((float)win.Divisor(divisor, includePad)), dst + oy * g.OW + ox, area);
                }
            }
        }
    }

    private static void AdaptiveChannels<TLoad>(float* x, in Planes s, long oh, long ow, float* y) where TLoad : IColumnLoad
    {
        var body = new AdaptiveChannelBody<TLoad>(s, oh, ow, TLoad.Steps(s.SC));
        ForChannelBlocks(x, s, oh * ow, y, null, ref body);
    }

    private readonly struct AdaptiveChannelBody<TLoad>(Planes s, long oh, long ow, Vector256<int> step) : IChannelBody where TLoad : IColumnLoad
    {
        public void Run(float* src, float* dst, long* idx)
        {
            for (long oy = 0; oy < oh; oy++)
            {
                var (y0, y1) = AdaptiveSpan(oy, s.H, oh);
                for (long ox = 0; ox < ow; ox++)
                {
                    var (x0, x1) = AdaptiveSpan(ox, s.W, ow);
                    var sum = Vector256<float>.Zero;
                    for (long yy = y0; yy < y1; yy++)
                    {
                        float* row = src + yy * s.SH;
                        for (long xx = x0; xx < x1; xx++) sum += TLoad.Load(row + xx * s.SW, step);
                    }
                    Scatter(sum / Vector256.Create((float)((y1 - y0) * (x1 - x0))), dst + oy * ow + ox, oh * ow);
                }
            }
        }
    }

    // ---- loading eight output columns' taps ----

    /// <summary>How eight lanes read one tap of eight consecutive output columns (column stride 1, 2 or more).</summary>
    private interface IColumnLoad
    {
        static abstract Vector256<int> Steps(long stride);

        /// <summary>The tap at <paramref name="p"/> + lane·stride, in the lane order <see cref="Finish"/> puts right.</summary>
        static abstract Vector256<float> Load(float* p, Vector256<int> steps);

        static abstract Vector256<float> Finish(Vector256<float> v);
    }

    private readonly struct Contiguous : IColumnLoad
    {
        public static Vector256<int> Steps(long stride) => default;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(float* p, Vector256<int> steps) => Avx.LoadVector256(p);

        public static Vector256<float> Finish(Vector256<float> v) => v;
    }

    /// <summary>
    /// Stride 2: the even elements of p[0..15), as lanes (0, 1, 4, 5 | 2, 3, 6, 7); the second load
    /// starts at p + 7 so that nothing past the last tap is read.
    /// </summary>
    private readonly struct EveryOther : IColumnLoad
    {
        public static Vector256<int> Steps(long stride) => default;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(float* p, Vector256<int> steps) =>
            Avx.Shuffle(Avx.LoadVector256(p), Avx.LoadVector256(p + 7), 0b11_01_10_00);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Finish(Vector256<float> v) => Avx2.Permute4x64(v.AsDouble(), 0b11_01_10_00).AsSingle();
    }

    private readonly struct Gathered : IColumnLoad
    {
        public static Vector256<int> Steps(long stride) => Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * (int)stride;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<float> Load(float* p, Vector256<int> steps) => Avx2.GatherVector256(p, steps, 4);

        public static Vector256<float> Finish(Vector256<float> v) => v;
    }
}
