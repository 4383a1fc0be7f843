using System.Numerics;
using System.Runtime.InteropServices;
using Jit.Backends.Cpu.Threading;
using Jit.Errors;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// C = A·B for one 2-D product: A [M,K] and B [K,N] are strided views, C is a contiguous [M,N]
/// region. Rows of A and either rows or columns of B are read in place when they are unit-stride
/// (so a transposed weight needs no copy); other layouts are packed once, O(MK + KN) against the
/// O(MNK) product. The inner loops use <see cref="Vector{T}"/>, blocked so a panel of B stays in
/// cache, and rows are split across <see cref="CpuThreads.Count"/> threads for large products.
/// This generic path serves the integer dtypes; float32, float64 and the half types (computed in
/// float32) go to the packed, register-blocked <see cref="PackedGemm"/>.
/// </summary>
internal static class ShapeGemm
{
    private const int KBlock = 128;
    private const int NBlock = 512;
    private const long ParallelWork = 1L << 18;

    public static void MatmulInto(Tensor a, Tensor b, Tensor c, string op)
    {
        switch (c.DType)
        {
            case DType.Float32: PackedGemm.Run(GemmTensors.Args(a, b, c, 1f, 0f), CpuThreads.Count); break;
            case DType.Float64: PackedGemm.Run(GemmTensors.Args(a, b, c, 1d, 0d), CpuThreads.Count); break;
            case DType.Int64: Run<long>(a, b, c); break;
            case DType.Int32: Run<int>(a, b, c); break;
            case DType.Int16: Run<short>(a, b, c); break;
            case DType.Int8: Run<sbyte>(a, b, c); break;
            case DType.UInt8: Run<byte>(a, b, c); break;
            case DType.Float16 or DType.BFloat16:
                // Half types accumulate in float32, as PyTorch's opmath type for them.
                var c32 = Tensor.Empty(DType.Float32, c.Sizes);
                PackedGemm.Run(GemmTensors.Args(ShapeCopy.ToContiguous(a, DType.Float32), ShapeCopy.ToContiguous(b, DType.Float32), c32, 1f, 0f), CpuThreads.Count);
                ShapeCopy.Copy(c32, c);
                break;
            default:
                throw new JitTypeException($"{op}: not implemented for dtype {c.DType.PythonName()}");
        }
    }

    /// <summary>
    /// Float32/float64 only: C = alpha·A·B + beta·C (+ a contiguous 1-D column bias) with the
    /// scaling and bias fused into the packed GEMM's stores. False for other dtypes.
    /// </summary>
    public static bool TryFusedInto(Tensor a, Tensor b, Tensor c, double alpha, double beta, Tensor? colBias)
    {
        switch (c.DType)
        {
            case DType.Float32: PackedGemm.Run(GemmTensors.Args(a, b, c, (float)alpha, (float)beta, null, colBias), CpuThreads.Count); return true;
            case DType.Float64: PackedGemm.Run(GemmTensors.Args(a, b, c, alpha, beta, null, colBias), CpuThreads.Count); return true;
            default: return false;
        }
    }

    private readonly record struct Operand(Memory<byte> Bytes, int Offset, int Ld);

    private static void Run<T>(Tensor a, Tensor b, Tensor c) where T : unmanaged, INumber<T>
    {
        int m = checked((int)a.Sizes[0]), k = checked((int)a.Sizes[1]), n = checked((int)b.Sizes[1]);
        if (m == 0 || n == 0) return;
        var cOp = new Operand(c.Storage.Bytes, checked((int)c.StorageOffset), n);
        if (k == 0)
        {
            MemoryMarshal.Cast<byte, T>(c.Storage.Bytes.Span).Slice(cOp.Offset, m * n).Clear();
            return;
        }
        var aOp = a.Strides[1] == 1 || k == 1 ? new Operand(a.Storage.Bytes, (int)a.StorageOffset, (int)a.Strides[0]) : Pack<T>(a);
        bool bRows = b.Strides[1] == 1 || n == 1;
        bool bCols = b.Strides[0] == 1 || k == 1;
        // Narrow outputs (matrix-vector, small N) prefer dot products over columns of B.
        if (bCols && (!bRows || n < Vector<T>.Count * 2))
        {
            var bt = new Operand(b.Storage.Bytes, (int)b.StorageOffset, (int)b.Strides[1]);
            int dotChunks = RowChunks(m, (long)m * n * k);
            CpuParallel.For(dotChunks, CpuThreads.Count, new DotRowChunks<T>(aOp, bt, cOp, m, n, k, dotChunks));
            return;
        }
        var bOp = bRows ? new Operand(b.Storage.Bytes, (int)b.StorageOffset, (int)b.Strides[0]) : Pack<T>(b);
        int chunks = RowChunks(m, (long)m * n * k);
        CpuParallel.For(chunks, CpuThreads.Count, new AxpyRowChunks<T>(aOp, bOp, cOp, m, n, k, chunks));
    }

    /// <summary>How many row ranges a product of <paramref name="work"/> multiply-adds is split into: 1 when small.</summary>
    private static int RowChunks(int m, long work)
    {
        int workers = CpuThreads.Count;
        return work < ParallelWork || m < 2 || workers < 2 ? 1 : Math.Min(m, workers * 4);
    }

    private static (int From, int To) Rows(int m, int chunk, int chunks) =>
        ((int)((long)m * chunk / chunks), (int)((long)m * (chunk + 1) / chunks));

    /// <summary>Chunk c of a dot-product matmul: the c-th of <c>chunks</c> row ranges.</summary>
    private readonly struct DotRowChunks<T>(Operand a, Operand bt, Operand c, int m, int n, int k, int chunks) : IChunkBody
        where T : unmanaged, INumber<T>
    {
        public void Run(int chunk)
        {
            var (r0, r1) = Rows(m, chunk, chunks);
            DotRows<T>(a, bt, c, r0, r1, n, k);
        }
    }

    /// <summary>Chunk c of a row-axpy matmul: the c-th of <c>chunks</c> row ranges.</summary>
    private readonly struct AxpyRowChunks<T>(Operand a, Operand b, Operand c, int m, int n, int k, int chunks) : IChunkBody
        where T : unmanaged, INumber<T>
    {
        public void Run(int chunk)
        {
            var (r0, r1) = Rows(m, chunk, chunks);
            AxpyRows<T>(a, b, c, r0, r1, n, k);
        }
    }

    private static Operand Pack<T>(Tensor x) where T : unmanaged
    {
        var packed = Tensor.Empty(x.DType, x.Sizes);
        ShapeCopy.Copy(x, packed);
        return new Operand(packed.Storage.Bytes, 0, (int)x.Sizes[1]);
    }

    /// <summary>C[i,:] = Σ_k A[i,k]·B[k,:], blocked over k and n so the B panel is reused across rows.</summary>
    private static void AxpyRows<T>(Operand aOp, Operand bOp, Operand cOp, int r0, int r1, int n, int k) where T : unmanaged, INumber<T>
    {
        var A = MemoryMarshal.Cast<byte, T>(aOp.Bytes.Span);
        var B = MemoryMarshal.Cast<byte, T>(bOp.Bytes.Span);
        var C = MemoryMarshal.Cast<byte, T>(cOp.Bytes.Span);
        int w = Vector<T>.Count;
        for (int i = r0; i < r1; i++) C.Slice(cOp.Offset + i * cOp.Ld, n).Clear();
        for (int nb = 0; nb < n; nb += NBlock)
        {
            int nLen = Math.Min(NBlock, n - nb);
            for (int kb = 0; kb < k; kb += KBlock)
            {
                int kEnd = Math.Min(kb + KBlock, k);
                for (int i = r0; i < r1; i++)
                {
                    var cRow = C.Slice(cOp.Offset + i * cOp.Ld + nb, nLen);
                    int aRow = aOp.Offset + i * aOp.Ld;
                    for (int kk = kb; kk < kEnd; kk++)
                    {
                        T s = A[aRow + kk];
                        if (s == T.Zero) continue;
                        var bRow = B.Slice(bOp.Offset + kk * bOp.Ld + nb, nLen);
                        var sv = new Vector<T>(s);
                        // Unchecked vector loads: j + w <= nLen keeps them inside both row slices.
                        ref T cRef = ref MemoryMarshal.GetReference(cRow);
                        ref T bRef = ref MemoryMarshal.GetReference(bRow);
                        int j = 0;
                        for (; j <= nLen - w; j += w)
                            (Vector.LoadUnsafe(ref cRef, (nuint)j) + sv * Vector.LoadUnsafe(ref bRef, (nuint)j)).StoreUnsafe(ref cRef, (nuint)j);
                        for (; j < nLen; j++) cRow[j] += s * bRow[j];
                    }
                }
            }
        }
    }

    /// <summary>C[i,j] = A[i,:]·Bᵀ[j,:] where B's columns are unit-stride (a transposed weight).</summary>
    private static void DotRows<T>(Operand aOp, Operand btOp, Operand cOp, int r0, int r1, int n, int k) where T : unmanaged, INumber<T>
    {
        var A = MemoryMarshal.Cast<byte, T>(aOp.Bytes.Span);
        var B = MemoryMarshal.Cast<byte, T>(btOp.Bytes.Span);
        var C = MemoryMarshal.Cast<byte, T>(cOp.Bytes.Span);
        int w = Vector<T>.Count;
        const int JBlock = 64;
        for (int jb = 0; jb < n; jb += JBlock)
        {
            int jEnd = Math.Min(jb + JBlock, n);
            for (int i = r0; i < r1; i++)
            {
                var aRow = A.Slice(aOp.Offset + i * aOp.Ld, k);
                for (int j = jb; j < jEnd; j++)
                {
                    var bRow = B.Slice(btOp.Offset + j * btOp.Ld, k);
                    var acc = Vector<T>.Zero;
                    ref T aRef = ref MemoryMarshal.GetReference(aRow);
                    ref T bRef = ref MemoryMarshal.GetReference(bRow);
                    int kk = 0;
                    for (; kk <= k - w; kk += w) acc += Vector.LoadUnsafe(ref aRef, (nuint)kk) * Vector.LoadUnsafe(ref bRef, (nuint)kk);
                    T sum = Vector.Sum(acc);
                    for (; kk < k; kk++) sum += aRow[kk] * bRow[kk];
                    C[cOp.Offset + i * cOp.Ld + j] = sum;
                }
            }
        }
    }
}
