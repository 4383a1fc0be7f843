using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>The float32 binary ops <see cref="StridedMathZip"/> runs: single IEEE operations, so float gives the double path's bits.</summary>
internal enum ZipOp { Add, Sub, Mul, Div }

/// <summary>
/// y = a op b on float32 over any strides, vectorized: the operands broadcast to y's shape (stride
/// 0 on broadcast dims), a number or a one-element tensor as one value. Dims are walked in y's
/// memory order and merged where every operand allows, so the inner loop stores unit-stride runs
/// of y and loads each operand as a run, a broadcast value or an AVX2 gather (a permuted view,
/// such as ConvNeXt's NHWC activation times its [C, 1, 1] layer scale). With a gathered operand the
/// two inner dims are walked in tiles, so the lines a gather touches are reused from L1. The
/// ordinary kernels, the out-variants and the in-place variants share it; y may be a itself (in
/// place), but must not otherwise overlap an operand.
/// </summary>
internal static unsafe class StridedMathZip
{
    /// <summary>Inner elements per tile when an operand is gathered (a tile's lines stay in L1).</summary>
    private const int Tile = 64;

    /// <summary>
    /// Whether <paramref name="v"/> is a float32 tensor, a 0-d tensor or a number (which do not
    /// promote a float32 tensor's dtype): what <see cref="TryRun"/> reads.
    /// </summary>
    public static bool Readable(IValue v) =>
        v.IsDouble || v.IsInt || (v.IsTensor && (v.AsTensor.DType == DType.Float32 || v.AsTensor.Rank == 0));

    /// <summary>
    /// y = a op b when y is float32, both operands <see cref="Readable"/> and broadcasting to exactly
    /// y's shape, and an operand in y's storage is y itself; false, with nothing written, otherwise.
    /// A number or a 0-d tensor of another dtype is rounded to float32 first, as PyTorch casts it to
    /// the common dtype.
    /// </summary>
    public static bool TryRun(ZipOp op, IValue a, IValue b, Tensor y)
    {
        if (y.DType != DType.Float32 || !Readable(a) || !Readable(b)) return false;
        int rank = y.Rank;
        if (rank > 16 || !StridedMathInto.SpansShape(y.Sizes, [a, b])) return false;
        Span<long> sa = stackalloc long[rank], sb = stackalloc long[rank];
        if (!Strides(a, y, sa) || !Strides(b, y, sb)) return false;
        if (y.NumElements == 0) return true;
        float va = 0, vb = 0;
        fixed (float* ys = y.StorageSpan<float>())
        fixed (float* pa0 = Base(a, ref va), pb0 = Base(b, ref vb))
        {
            float* pa = a.IsTensor && a.AsTensor.DType == DType.Float32 ? pa0 + a.AsTensor.StorageOffset : &va;
            float* pb = b.IsTensor && b.AsTensor.DType == DType.Float32 ? pb0 + b.AsTensor.StorageOffset : &vb;
            switch (op)
            {
                case ZipOp.Add: Run<AddF>(pa, sa, pb, sb, ys + y.StorageOffset, y.Strides, y.Sizes); break;
                case ZipOp.Sub: Run<SubF>(pa, sa, pb, sb, ys + y.StorageOffset, y.Strides, y.Sizes); break;
                case ZipOp.Mul: Run<MulF>(pa, sa, pb, sb, ys + y.StorageOffset, y.Strides, y.Sizes); break;
                default: Run<DivF>(pa, sa, pb, sb, ys + y.StorageOffset, y.Strides, y.Sizes); break;
            }
        }
        return true;
    }

    // A float32 tensor's storage; otherwise the operand's one value, rounded to float32, in `value`.
    private static ReadOnlySpan<float> Base(IValue v, ref float value)
    {
        if (v.IsTensor && v.AsTensor.DType == DType.Float32) return v.AsTensor.StorageSpan<float>();
        value = (float)(v.IsTensor ? v.AsTensor.ReadDouble(v.AsTensor.StorageOffset) : v.AsDouble);
        return default;
    }

    // Broadcast strides of an operand; a one-value operand has all zeros. An operand sharing y's
    // storage must be y itself: another view of it could be overwritten before it is read.
    private static bool Strides(IValue v, Tensor y, Span<long> strides)
    {
        strides.Clear();
        if (!v.IsTensor) return true;
        var t = v.AsTensor;
        if (ReferenceEquals(t.Storage, y.Storage)
            && !(t.StorageOffset == y.StorageOffset && t.Sizes.SequenceEqual(y.Sizes) && t.Strides.SequenceEqual(y.Strides)))
            return false;
        if (t.DType != DType.Float32) return true;
        return StridedMathInto.BroadcastStrides(v, y.Sizes, strides);
    }

    private interface IOp
    {
        static abstract float Apply(float x, float y);
        static abstract Vector256<float> Apply(Vector256<float> x, Vector256<float> y);
    }

    private readonly struct AddF : IOp
    {
        public static float Apply(float x, float y) => x + y;
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> y) => x + y;
    }
    private readonly struct SubF : IOp
    {
        public static float Apply(float x, float y) => x - y;
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> y) => x - y;
    }
    private readonly struct MulF : IOp
    {
        public static float Apply(float x, float y) => x * y;
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> y) => x * y;
    }
    private readonly struct DivF : IOp
    {
        public static float Apply(float x, float y) => x / y;
        public static Vector256<float> Apply(Vector256<float> x, Vector256<float> y) => x / y;
    }

    private static void Run<TOp>(float* a, ReadOnlySpan<long> aStrides, float* b, ReadOnlySpan<long> bStrides,
        float* y, ReadOnlySpan<long> yStrides, ReadOnlySpan<long> shape) where TOp : struct, IOp
    {
        int rank = shape.Length;
        // Dims in y's memory order (largest |stride| outermost), size-1 dims dropped.
        Span<int> order = stackalloc int[rank];
        int r = 0;
        for (int d = 0; d < rank; d++)
        {
            if (shape[d] == 1) continue;
            int at = r++;
            while (at > 0 && Math.Abs(yStrides[order[at - 1]]) < Math.Abs(yStrides[d])) order[at] = order[--at];
            order[at] = d;
        }
        // Merge a dim into the one outside it where every operand steps through both as one.
        Span<long> n = stackalloc long[Math.Max(r, 1)], sa = stackalloc long[Math.Max(r, 1)];
        Span<long> sb = stackalloc long[Math.Max(r, 1)], sy = stackalloc long[Math.Max(r, 1)];
        int m = 0;
        for (int i = 0; i < r; i++)
        {
            int d = order[i];
            long size = shape[d];
            if (m > 0 && sa[m - 1] == aStrides[d] * size && sb[m - 1] == bStrides[d] * size && sy[m - 1] == yStrides[d] * size)
                n[m - 1] *= size;
            else n[m++] = size;
            (sa[m - 1], sb[m - 1], sy[m - 1]) = (aStrides[d], bStrides[d], yStrides[d]);
        }
        if (m == 0)
        {
            *y = TOp.Apply(*a, *b);
            return;
        }
        // The two inner dims form planes; an odometer walks the dims outside them.
        int outer = Math.Max(m - 2, 0);
        long rows = m >= 2 ? n[m - 2] : 1, cols = n[m - 1];
        long ra = m >= 2 ? sa[m - 2] : 0, rb = m >= 2 ? sb[m - 2] : 0, ry = m >= 2 ? sy[m - 2] : 0;
        Span<long> index = stackalloc long[Math.Max(outer, 1)];
        index.Clear();
        while (true)
        {
            Plane<TOp>(a, ra, sa[m - 1], b, rb, sb[m - 1], y, ry, sy[m - 1], rows, cols);
            int d = outer - 1;
            for (; d >= 0; d--)
            {
                a += sa[d];
                b += sb[d];
                y += sy[d];
                if (++index[d] < n[d]) break;
                a -= sa[d] * n[d];
                b -= sb[d] * n[d];
                y -= sy[d] * n[d];
                index[d] = 0;
            }
            if (d < 0) return;
        }
    }

    // rows x cols; with a gathered operand the columns go in tiles, all rows per tile.
    private static void Plane<TOp>(float* a, long ra, long ca, float* b, long rb, long cb, float* y, long ry, long cy, long rows, long cols)
        where TOp : struct, IOp
    {
        bool gathers = ca is not (0 or 1) || cb is not (0 or 1);
        long tile = gathers && rows > 1 ? Tile : cols;
        for (long c0 = 0; c0 < cols; c0 += tile)
        {
            long len = Math.Min(tile, cols - c0);
            for (long i = 0; i < rows; i++)
                Line<TOp>(a + i * ra + c0 * ca, ca, b + i * rb + c0 * cb, cb, y + i * ry + c0 * cy, cy, len);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Line<TOp>(float* a, long sa, float* b, long sb, float* y, long sy, long n) where TOp : struct, IOp
    {
        long j = 0;
        if (sy == 1 && n >= 8 && Avx2.IsSupported && Fits(sa) && Fits(sb))
        {
            var lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
            var ia = lanes * (int)sa;
            var ib = lanes * (int)sb;
            for (; j + 8 <= n; j += 8)
                Avx.Store(y + j, TOp.Apply(Load(a + j * sa, sa, ia), Load(b + j * sb, sb, ib)));
        }
        for (; j < n; j++) y[j * sy] = TOp.Apply(a[j * sa], b[j * sb]);
    }

    // Gather indices are 32-bit: the lanes' offsets must fit.
    private static bool Fits(long stride) => stride >= 0 && stride * 7 <= int.MaxValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load(float* p, long stride, Vector256<int> index) =>
        stride == 1 ? Avx.LoadVector256(p) : stride == 0 ? Vector256.Create(*p) : Avx2.GatherVector256(p, index, 4);
}
