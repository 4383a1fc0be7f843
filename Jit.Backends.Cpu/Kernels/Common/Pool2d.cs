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
/// Float32 max and avg pools over unit-stride rows run eight output columns at a time (AVX2), each
/// lane visiting its window in the scalar loop's order, the row edges through rows staged between
/// fill values (<see cref="StagedRows"/>); other float32 layouts with eight channels or more (and
/// max_pool2d's indices) run eight channels at a time; float64 and the rest take the scalar loops.
/// Max pooling keeps PyTorch's rule in every lane: a value replaces the maximum when greater or
/// NaN, so NaN propagates (the last one wins, as its index), and among equal values the first stays.
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

    /// <summary>
    /// Whether a float32 pool runs eight channels at a time (every output, window by window, a
    /// gather where channels are not adjacent): where there are eight channels.
    /// </summary>
    private static bool Channels(in Planes s) =>
        Avx2.IsSupported && s.C >= Lanes && s.SC <= int.MaxValue / Lanes && s.H * s.W <= int.MaxValue;

    // ---- float32 rows, eight output columns at a time ----

    /// <summary>The most floats the staged rows of one pool take on the stack.</summary>
    private const long StagedFloats = 16 * 1024;

    /// <summary>
    /// How a float32 pool over unit-stride rows stages them (see <see cref="StagedRows"/>): a power
    /// of two of ring slots of <paramref name="width"/> floats, enough for every tap of eight lanes
    /// past the last output column; false where that does not fit the stack, or without AVX2.
    /// </summary>
    private static bool Stages(in Planes s, in PoolGeometry g, out long slots, out long width)
    {
        slots = (long)BitOperations.RoundUpToPowerOf2((ulong)((g.KH - 1) * g.DH + 1)); // a window's rows fall in distinct slots
        width = Math.Max(g.PW + s.W, (g.OW + Lanes) * g.SW + (g.KW - 1) * g.DW + 1);
        return s.SW == 1 && Avx2.IsSupported && slots * width <= StagedFloats && g.KH * g.KW <= int.MaxValue;
    }

    /// <summary>
    /// The input rows of one plane, each copied once into a ring slot between <c>fill</c> values (PW
    /// of them on the left) for the blocks of output columns whose windows reach past the row: a
    /// lane's taps in the padding or past the row read the fill, -inf for max (never replacing the
    /// maximum, as if skipped) and 0 for sums (adding nothing). Blocks whose windows all lie
    /// inside the row (<see cref="Inside"/>) read the input itself; of a wide row only the ends
    /// the other blocks read are copied.
    /// </summary>
    private readonly struct StagedRows
    {
        private readonly float* _ring;
        private readonly long* _tags;
        private readonly long _slots, _width, _left, _w, _leftEnd, _rightStart, _a, _b;

        public StagedRows(float* ring, long* tags, long slots, long width, in PoolGeometry g, long w, float fill)
        {
            _ring = ring;
            _tags = tags;
            (_slots, _width, _left, _w) = (slots, width, g.PW, w);
            // Output columns [a, b): windows inside the row.
            _a = (g.PW + g.SW - 1) / g.SW;
            long last = w - 1 - (g.KW - 1) * g.DW + g.PW;
            _b = last < 0 ? 0 : Math.Min(last / g.SW + 1, g.OW);
            // The row's columns blocks not inside read: [0, leftEnd) before the first block inside ends, [rightStart, w) after the last one starts.
            _leftEnd = Math.Min(w, (_a + Lanes) * g.SW + (g.KW - 1) * g.DW + 1 - g.PW);
            _rightStart = Math.Max(0, (_b - Lanes) * g.SW - g.PW);
            if (_rightStart <= _leftEnd) (_leftEnd, _rightStart) = (w, w);
            if (_a == 0 && _b == g.OW && g.OW >= Lanes) (_leftEnd, _rightStart) = (0, w); // every block inside: nothing to copy
            new Span<float>(ring, (int)(slots * width)).Fill(fill);
        }

        /// <summary>Whether the windows of output columns [ox, ox + 8) all lie inside the row.</summary>
        public bool Inside(long ox) => ox >= _a && ox + Lanes <= _b;

        /// <summary>Forget the rows of the last plane.</summary>
        public void Reset() => new Span<long>(_tags, (int)_slots).Fill(-1);

        /// <summary>Row <paramref name="y"/> (starting at <paramref name="src"/>) staged: its column 0 is the slot's column PW.</summary>
        public float* Row(float* src, long y)
        {
            long slot = y & (_slots - 1);
            float* row = _ring + slot * _width;
            if (_tags[slot] != y)
            {
                Copy(src, row + _left, _leftEnd);
                Copy(src + _rightStart, row + _left + _rightStart, _w - _rightStart);
                _tags[slot] = y;
            }
            return row;
        }

        private static void Copy(float* from, float* to, long n)
        {
            long i = 0;
            for (; i + Lanes <= n; i += Lanes) Vector256.Store(Vector256.Load(from + i), to + i);
            for (; i < n; i++) to[i] = from[i];
        }

        /// <summary>Row <paramref name="src"/> addressed as its staged copy is (column 0 at PW), for the blocks inside.</summary>
        public float* Direct(float* src) => src - _left;
    }

    /// <summary>
    /// Blocks of eight output columns covering [0, ow): the last one overlaps the one before where
    /// ow is not a multiple of eight (the same values again), or is partial where ow &lt; 8.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long NextBlock(long ox, long ow) => ox + Lanes <= ow || ox == 0 ? ox : ow - Lanes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBlock(Vector256<float> v, float* dst, long ox, long ow)
    {
        if (ox + Lanes <= ow) v.Store(dst + ox);
        else Avx.MaskStore(dst + ox, Avx2.CompareGreaterThan(Vector256.Create((int)(ow - ox)), Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7)).AsSingle(), v);
    }

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
                    float* src = xs + x.StorageOffset;
                    // The rows report no indices: with indices, channels are the vector path.
                    if (ix == null && Stages(s, g, out long slots, out long width))
                    {
                        float* ring = stackalloc float[(int)(slots * width)];
                        long* tags = stackalloc long[(int)slots];
                        var rows = new StagedRows(ring, tags, slots, width, g, s.W, float.NegativeInfinity);
                        if (g.SW == 1) MaxRows<Contiguous>(src, s, g, rows, ys);
                        else if (g.SW == 2) MaxRows<EveryOther>(src, s, g, rows, ys);
                        else MaxRows<Gathered>(src, s, g, rows, ys);
                    }
                    else if (!Channels(s)) MaxPlanes(src, s, g, ys, ix);
                    else if (s.SC == 1) MaxChannels<Contiguous>(src, s, g, ys, ix);
                    else MaxChannels<Gathered>(src, s, g, ys, ix);
                }
            }
            else
            {
                fixed (double* xs = x.StorageSpan<double>(), ys = values.ContiguousSpan<double>())
                    MaxPlanes(xs + x.StorageOffset, s, g, ys, ix);
            }
        }
    }

    /// <summary>Every plane and output row, PyTorch's loop over each window.</summary>
    private static void MaxPlanes<T>(T* x, in Planes s, in PoolGeometry g, T* y, long* ix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long p = 0; p < s.N * s.C; p++)
        {
            T* src = x + s.Offset(p);
            for (long oy = 0; oy < g.OH; oy++)
            {
                var (y0, y1) = MaxPoolWindow.Taps(oy, g.SH, g.PH, g.KH, g.DH, s.H);
                long o = (p * g.OH + oy) * g.OW;
                for (long ox = 0; ox < g.OW; ox++)
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
                    y[o + ox] = m;
                    if (ix != null) ix[o + ox] = best;
                }
            }
        }
    }

    /// <summary>Float32 rows staged with -inf around them, eight output columns at a time, each lane visiting its window in PyTorch's order.</summary>
    private static void MaxRows<TLoad>(float* x, in Planes s, in PoolGeometry g, StagedRows rows, float* y)
        where TLoad : IColumnLoad
    {
        var step = TLoad.Steps(g.SW);
        float** staged = stackalloc float*[(int)g.KH];
        float** direct = stackalloc float*[(int)g.KH];
        for (long p = 0; p < s.N * s.C; p++)
        {
            float* src = x + s.Offset(p);
            rows.Reset();
            for (long oy = 0; oy < g.OH; oy++)
            {
                var (y0, y1) = MaxPoolWindow.Taps(oy, g.SH, g.PH, g.KH, g.DH, s.H);
                int n = 0;
                for (long yy = y0; yy < y1; yy += g.DH, n++)
                {
                    staged[n] = rows.Row(src + yy * s.SH, yy);
                    direct[n] = rows.Direct(src + yy * s.SH);
                }
                float* dst = y + (p * g.OH + oy) * g.OW;
                for (long ox = 0; ox < g.OW; ox += Lanes)
                {
                    ox = NextBlock(ox, g.OW);
                    var m = MaxBlock<TLoad>(rows.Inside(ox) ? direct : staged, n, ox * g.SW, g.KW, g.DW, step);
                    StoreBlock(TLoad.Finish(m), dst, ox, g.OW);
                }
            }
        }
    }

    /// <summary>The maximum of eight lanes' windows: rows <paramref name="taps"/>[0..n) from column <paramref name="column"/> on, KW taps DW apart.</summary>
    private static Vector256<float> MaxBlock<TLoad>(float** taps, int n, long column, long kw, long dw, Vector256<int> step)
        where TLoad : IColumnLoad
    {
        var m = Vector256.Create(float.NegativeInfinity);
        for (int r = 0; r < n; r++)
        {
            float* row = taps[r] + column;
            for (long t = 0; t < kw; t++) m = NanMax(m, TLoad.Load(row + t * dw, step));
        }
        return m;
    }

    /// <summary>PyTorch's max update in every lane: <paramref name="v"/> replaces <paramref name="m"/> when greater or NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> NanMax(Vector256<float> m, Vector256<float> v) =>
        // vmaxps v, m is v > m ? v : m (m when either is NaN or both are zeros); then a NaN v wins.
        Avx.BlendVariable(Avx.Max(v, m), v, Avx.Compare(v, v, FloatComparisonMode.UnorderedNonSignaling));

    // ---- avg_pool2d ----

    /// <summary>avg_pool2d of <paramref name="x"/> into <paramref name="values"/>; <paramref name="divisor"/> 0 means none.</summary>
    public static void Avg(Tensor x, in PoolGeometry g, bool includePad, long divisor, Tensor values)
    {
        var s = new Planes(x);
        long? over = divisor != 0 ? divisor : null;
        if (x.DType == DType.Float32)
        {
            fixed (float* xs = x.StorageSpan<float>(), ys = values.ContiguousSpan<float>())
            {
                float* src = xs + x.StorageOffset;
                if (Stages(s, g, out long slots, out long width))
                {
                    float* ring = stackalloc float[(int)(slots * width)];
                    long* tags = stackalloc long[(int)slots];
                    var rows = new StagedRows(ring, tags, slots, width, g, s.W, 0f);
                    if (g.SW == 1) AvgRows<Contiguous>(src, s, g, includePad, over, rows, ys);
                    else if (g.SW == 2) AvgRows<EveryOther>(src, s, g, includePad, over, rows, ys);
                    else AvgRows<Gathered>(src, s, g, includePad, over, rows, ys);
                }
                else if (!Channels(s)) AvgPlanes(src, s, g, includePad, over, ys);
                else if (s.SC == 1) AvgChannels<Contiguous>(src, s, g, includePad, over, ys);
                else AvgChannels<Gathered>(src, s, g, includePad, over, ys);
            }
        }
        else
        {
            fixed (double* xs = x.StorageSpan<double>(), ys = values.ContiguousSpan<double>())
                AvgPlanes(xs + x.StorageOffset, s, g, includePad, over, ys);
        }
    }

    private static void AvgPlanes<T>(T* x, in Planes s, in PoolGeometry g, bool includePad, long? divisor, T* y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (long p = 0; p < s.N * s.C; p++)
        {
            T* src = x + s.Offset(p);
            for (long oy = 0; oy < g.OH; oy++)
            {
                T* dst = y + (p * g.OH + oy) * g.OW;
                for (long ox = 0; ox < g.OW; ox++)
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
        }
    }

    /// <summary>
    /// Float32 rows staged with zeros around them, eight output columns at a time: each lane sums
    /// its window's elements in PyTorch's order (the zeros add nothing to a sum that starts at +0)
    /// and divides by its divisor, the product of its row and column factors (<see cref="PoolAxis.Count"/>),
    /// the columns' computed once.
    /// </summary>
    private static void AvgRows<TLoad>(float* x, in Planes s, in PoolGeometry g, bool includePad, long? divisor, StagedRows rows, float* y)
        where TLoad : IColumnLoad
    {
        var step = TLoad.Steps(g.SW);
        float** staged = stackalloc float*[(int)g.KH];
        float** direct = stackalloc float*[(int)g.KH];
        int* columns = stackalloc int[(int)g.OW + Lanes];
        for (long ox = 0; ox < g.OW + Lanes; ox++) columns[ox] = (int)PoolAxis.Of(ox, g.SW, g.PW, g.KW, s.W).Count(includePad);
        var over = Vector256.Create((float)divisor.GetValueOrDefault());
        for (long p = 0; p < s.N * s.C; p++)
        {
            float* src = x + s.Offset(p);
            rows.Reset();
            for (long oy = 0; oy < g.OH; oy++)
            {
                var rowAxis = PoolAxis.Of(oy, g.SH, g.PH, g.KH, s.H);
                int n = 0;
                for (long yy = rowAxis.From; yy < rowAxis.To; yy++, n++)
                {
                    staged[n] = rows.Row(src + yy * s.SH, yy);
                    direct[n] = rows.Direct(src + yy * s.SH);
                }
                var rowCount = Vector256.Create((int)rowAxis.Count(includePad));
                float* dst = y + (p * g.OH + oy) * g.OW;
                for (long ox = 0; ox < g.OW; ox += Lanes)
                {
                    ox = NextBlock(ox, g.OW);
                    float** taps = rows.Inside(ox) ? direct : staged;
                    var sum = Vector256<float>.Zero;
                    for (int r = 0; r < n; r++)
                    {
                        float* row = taps[r] + ox * g.SW;
                        for (long t = 0; t < g.KW; t++) sum += TLoad.Load(row + t, step);
                    }
                    // An empty window (none with PyTorch's padding limit) sums to 0: any divisor but 0 gives its 0.
                    var div = divisor.HasValue ? over
                        : Avx.ConvertToVector256Single(Avx2.Max(Avx2.MultiplyLow(Vector256.Load(columns + ox), rowCount), Vector256<int>.One));
                    StoreBlock(TLoad.Finish(sum) / div, dst, ox, g.OW);
                }
            }
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
                    // Windows with rows at least a vector wide, or whole planes (1x1) of a vector or more: the
                    // rows' sums; other windows eight channels at a time.
                    bool wide = s.SW == 1 && (s.W / Math.Max(ow, 1) >= Lanes || (oh == 1 && ow == 1 && s.SH == s.W && s.H * s.W >= Lanes));
                    if (max || wide || !Channels(s)) AdaptivePlanes(xs + x.StorageOffset, s, oh, ow, max, ys, ix);
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

    /// <summary>Window by window, every plane's at once (the spans' divisions once per window, not per plane).</summary>
    private static void AdaptivePlanes<T>(T* x, in Planes s, long oh, long ow, bool max, T* y, long* ix)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long area = oh * ow;
        for (long oy = 0; oy < oh; oy++)
        {
            var (y0, y1) = AdaptiveSpan(oy, s.H, oh);
            for (long ox = 0; ox < ow; ox++)
            {
                var (x0, x1) = AdaptiveSpan(ox, s.W, ow);
                var count = T.CreateChecked((y1 - y0) * (x1 - x0));
                for (long n = 0; n < s.N; n++)
                {
                    for (long c = 0; c < s.C; c++)
                    {
                        T* src = x + n * s.SN + c * s.SC;
                        long o = (n * s.C + c) * area + oy * ow + ox;
                        if (!max)
                        {
                            y[o] = Sum(src, s, y0, y1, x0, x1) / count;
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
    }

    /// <summary>
    /// The sum of rows [y0, y1) × columns [x0, x1): float32 rows with unit stride eight lanes at a
    /// time (one run when the rows are back to back, as for a whole plane, of any row width), the rest in order.
    /// </summary>
    private static T Sum<T>(T* src, in Planes s, long y0, long y1, long x0, long x1)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long cols = x1 - x0;
        if (typeof(T) == typeof(float) && s.SW == 1 && Vector256.IsHardwareAccelerated && (cols >= Lanes || (s.SH == cols && (y1 - y0) * cols >= Lanes)))
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

    private static void AvgChannels<TLoad>(float* x, in Planes s, in PoolGeometry g, bool includePad, long? divisor, float* y) where TLoad : IColumnLoad
    {
        var body = new AvgChannelBody<TLoad>(s, g, includePad, divisor, TLoad.Steps(s.SC));
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
