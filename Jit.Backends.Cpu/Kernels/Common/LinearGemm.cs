using System.Numerics;
using System.Runtime.InteropServices;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// linear as one packed GEMM: y [M, N] = x [M, K] · wᵀ + bias, where M is the product of x's
/// leading dims. x is read in place whenever its leading dims fold into one row stride (any
/// contiguous input, and a permuted view such as NCHW seen as NHWC: the packing reads the
/// strided rows); otherwise it is copied once into a per-thread workspace that is kept between
/// calls. The weight is read transposed in place and the bias is added by the GEMM's stores. The
/// ordinary and the out-variant kernels both come here.
/// </summary>
internal static class LinearGemm
{
    /// <summary>
    /// Whether <see cref="Into"/> takes these operands: float32 or float64 throughout, w [N, K],
    /// an optional 1-D unit-stride bias of N, x [..., K] of rank ≥ 1, and y holding M·N elements
    /// contiguously.
    /// </summary>
    public static bool Applies(Tensor x, Tensor w, Tensor? bias, Tensor y)
    {
        var t = x.DType;
        if (t is not (DType.Float32 or DType.Float64) || w.DType != t || y.DType != t) return false;
        if (w.Rank != 2 || x.Rank == 0 || x.Sizes[^1] != w.Sizes[1] || !y.IsContiguous) return false;
        if (bias is not null && (bias.DType != t || bias.Rank != 1 || bias.Sizes[0] != w.Sizes[0] || (bias.Strides[0] != 1 && bias.Sizes[0] > 1)))
            return false;
        long k = w.Sizes[1];
        long m = k == 0 ? Rows(x) : x.NumElements / k;
        return y.NumElements == m * w.Sizes[0];
    }

    /// <summary>y = x · wᵀ + bias (see <see cref="Applies"/>).</summary>
    public static void Into(Tensor x, Tensor w, Tensor? bias, Tensor y)
    {
        if (x.DType == DType.Float32 && IsSmall(x, w, bias)) Dots(x, w, bias, y);
        else if (x.DType == DType.Float32) Run<float>(x, w, bias, y);
        else Run<double>(x, w, bias, y);
    }

    /// <summary>
    /// Below this many multiply-adds, with every operand contiguous, one vector dot product per
    /// output beats packing panels for the GEMM (an MLP's [3, 12] x 12->12 took 0.3 µs that way,
    /// 0.55 µs packed). So does a single row of any size (a classifier on one sample): the dots
    /// read each weight once, where the GEMM packs all of w on every call to fill one row of its
    /// tiles.
    /// </summary>
    private const long SmallProduct = 1 << 14;

    private static bool IsSmall(Tensor x, Tensor w, Tensor? bias) =>
        x.IsContiguous && w.IsContiguous && (bias is null || bias.IsContiguous)
        && (x.NumElements * w.Sizes[0] <= SmallProduct || x.NumElements == w.Sizes[1]);

    private static void Dots(Tensor x, Tensor w, Tensor? bias, Tensor y)
    {
        int n = (int)w.Sizes[0], k = (int)w.Sizes[1];
        var xs = x.ContiguousSpan<float>();
        var ws = w.ContiguousSpan<float>();
        var ys = y.ContiguousSpan<float>();
        var bs = bias is null ? default : bias.ContiguousSpan<float>();
        int m = k == 0 ? (int)Rows(x) : xs.Length / k;
        for (int r = 0; r < m; r++)
        {
            var xr = xs.Slice(r * k, k);
            for (int j = 0; j < n; j++)
            {
                float sum = Dot(xr, ws.Slice(j * k, k));
                ys[r * n + j] = bias is null ? sum : sum + bs[j];
            }
        }
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int lanes = Vector<float>.Count, i = 0;
        var acc = Vector<float>.Zero;
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b);
        for (; i <= a.Length - lanes; i += lanes) acc += Vector.LoadUnsafe(ref ar, (nuint)i) * Vector.LoadUnsafe(ref br, (nuint)i);
        float sum = Vector.Sum(acc);
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static long Rows(Tensor x)
    {
        long m = 1;
        for (int d = 0; d < x.Rank - 1; d++) m *= x.Sizes[d];
        return m;
    }

    /// <summary>
    /// The one stride that steps through x's rows in order when its leading dims fold together
    /// (each non-unit dim's stride is the next one's size times stride), or -1.
    /// </summary>
    private static long RowStride(Tensor x)
    {
        long stride = -1, next = 0;
        for (int d = x.Rank - 2; d >= 0; d--)
        {
            long size = x.Sizes[d];
            if (size == 1) continue;
            if (stride >= 0 && x.Strides[d] != next) return -1;
            if (stride < 0) stride = x.Strides[d];
            next = x.Strides[d] * size;
        }
        return stride < 0 ? x.Sizes[^1] : stride;
    }

    private static unsafe void Run<T>(Tensor x, Tensor w, Tensor? bias, Tensor y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = checked((int)w.Sizes[0]), k = checked((int)w.Sizes[1]);
        int m = checked((int)Rows(x));
        if (m == 0 || n == 0) return;
        var g = new GemmArgs<T>
        {
            M = m, N = n, K = k,
            B = w.StorageSpan<T>(),
            BLayout = new GemmLayout(w.StorageOffset, w.Strides[1], w.Strides[0]),
            C = y.StorageSpan<T>(),
            COffset = y.StorageOffset,
            Ldc = n,
            Alpha = T.One,
            Beta = T.Zero,
            ColBias = bias is null ? default : bias.StorageSpan<T>().Slice((int)bias.StorageOffset, n),
        };
        long rowStride = RowStride(x);
        if (rowStride >= 0 || k == 0)
        {
            g.A = x.StorageSpan<T>();
            g.ALayout = new GemmLayout(x.StorageOffset, Math.Max(rowStride, 0), x.Strides[^1]);
            PackedGemm.RunAny(g, CpuThreads.Count);
            return;
        }
        // Leading dims that do not fold: one copy into the workspace, rows of K.
        var rows = new Span<T>(GemmWorkspace<T>.Input((long)m * k), m * k);
        CopyRows(x, rows);
        g.A = rows;
        g.ALayout = new GemmLayout(0, k, 1);
        PackedGemm.RunAny(g, CpuThreads.Count);
    }

    /// <summary>x's elements in row-major order into <paramref name="dst"/>, walking x's strides.</summary>
    private static void CopyRows<T>(Tensor x, Span<T> dst) where T : unmanaged
    {
        int rank = x.Rank;
        var src = x.StorageSpan<T>();
        Span<long> index = stackalloc long[rank];
        int inner = (int)x.Sizes[^1];
        long innerStride = x.Strides[^1], offset = x.StorageOffset;
        for (int at = 0; at < dst.Length; at += inner)
        {
            if (innerStride == 1) src.Slice((int)offset, inner).CopyTo(dst.Slice(at, inner));
            else
                for (int j = 0; j < inner; j++) dst[at + j] = src[(int)(offset + j * innerStride)];
            // Odometer over the leading dims.
            for (int d = rank - 2; d >= 0; d--)
            {
                offset += x.Strides[d];
                if (++index[d] < x.Sizes[d]) break;
                offset -= x.Strides[d] * x.Sizes[d];
                index[d] = 0;
            }
        }
    }
}
