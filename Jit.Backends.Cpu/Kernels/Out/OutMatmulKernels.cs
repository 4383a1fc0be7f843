using System.Numerics;
using System.Runtime.InteropServices;
using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Out.OutSupport;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// Out-variants of linear, mm, matmul (2-D by 2-D) and addmm (beta = alpha = 1). linear runs the
/// ordinary kernel's packed GEMM (<see cref="LinearGemm"/>) straight into its buffer; mm
/// accumulates rows of B scaled by A's elements, single-threaded and allocation-free, and the
/// multi-threaded, blocked GEMM of the ordinary kernels takes over for everything else.
/// </summary>
internal static class OutMatmulKernels
{
    public static void Register(KernelTable t)
    {
        Add(t, "aten::linear", (i, o) => Linear(i[0].AsTensor, i[1].AsTensor, i[2].AsTensorOrNull, o));
        Add(t, "aten::mm", (i, o) => Product(i[0].AsTensor, i[1].AsTensor, o));
        Add(t, "aten::matmul", (i, o) => i[0].AsTensor.Rank == 2 && i[1].AsTensor.Rank == 2 && Product(i[0].AsTensor, i[1].AsTensor, o));
        Add(t, "aten::bmm", (i, o) => Product(i[0].AsTensor, i[1].AsTensor, o));
        Add(t, "aten::addmm", (i, o) => IsOne(i[3]) && IsOne(i[4]) && Mm(i[1].AsTensor, i[2].AsTensor, i[0].AsTensor, o));
    }

    private static bool IsOne(IValue v) => (v.IsInt || v.IsDouble) && v.AsDouble == 1;

    /// <summary>y[.., N] = x[.., K] · wᵀ + b, with w [N, K]: the kernel's packed GEMM, writing straight into y.</summary>
    private static bool Linear(Tensor x, Tensor w, Tensor? b, Tensor y)
    {
        if (!IsF32(y) || !LinearGemm.Applies(x, w, b, y)) return false;
        LinearGemm.Into(x, w, b, y);
        return true;
    }

    /// <summary>
    /// c [M, N] = a [M, K] · b [K, N], or per batch for 3-D operands (bmm): the packed GEMM of the
    /// ordinary kernels (ShapeGemm.MatmulInto) on each matrix, read in place at any strides, written
    /// into c's rows; no tensor is made per batch (GemmTensors.Args takes the batch index), so
    /// nothing is allocated.
    /// </summary>
    private static bool Product(Tensor a, Tensor b, Tensor c)
    {
        if (a.DType != DType.Float32 || b.DType != DType.Float32 || c.DType != DType.Float32 || !a.IsHost || !b.IsHost || !c.IsHost
            || a.Rank != b.Rank || a.Rank != c.Rank || a.Rank is not (2 or 3)) return false;
        int batchDims = a.Rank - 2;
        long m = a.Sizes[^2], k = a.Sizes[^1], n = b.Sizes[^1];
        if (b.Sizes[^2] != k || c.Sizes[^2] != m || c.Sizes[^1] != n || c.Strides[^1] != 1) return false;
        long batch = batchDims == 0 ? 1 : a.Sizes[0];
        if (batchDims == 1 && (b.Sizes[0] != batch || c.Sizes[0] != batch)) return false;
        if (c.NumElements == 0) return true;
        for (long i = 0; i < batch; i++)
            PackedGemm.Run(GemmTensors.Args(a, b, c, 1f, 0f, batch: i), CpuThreads.Count);
        return true;
    }

    /// <summary>c [M, N] = a [M, K] · b [K, N] + bias broadcast over rows, for addmm.</summary>
    private static bool Mm(Tensor a, Tensor b, Tensor? bias, Tensor c)
    {
        if (!IsF32(a) || !IsF32(b) || !IsF32(c) || a.Rank != 2 || b.Rank != 2) return false;
        int m = (int)a.Sizes[0], k = (int)a.Sizes[1], n = (int)b.Sizes[1];
        if (b.Sizes[0] != k || c.Rank != 2 || c.Sizes[0] != m || c.Sizes[1] != n) return false;
        bool rowBias = bias is not null && IsF32(bias) && bias.NumElements == n && (bias.Rank == 1 || (bias.Rank == 2 && bias.Sizes[0] == 1));
        bool fullBias = bias is not null && IsF32(bias) && bias.Rank == 2 && bias.Sizes[0] == m && bias.Sizes[1] == n;
        if (bias is not null && !rowBias && !fullBias) return false;
        var A = F32(a);
        var B = F32(b);
        var C = F32(c);
        C.Clear();
        for (int r = 0; r < m; r++)
        {
            var cr = C.Slice(r * n, n);
            for (int kk = 0; kk < k; kk++)
            {
                float s = A[r * k + kk];
                if (s != 0) Axpy(s, B.Slice(kk * n, n), cr);
            }
            if (bias is null) continue;
            var br = F32(bias).Slice(fullBias ? r * n : 0, n);
            for (int j = 0; j < n; j++) cr[j] += br[j];
        }
        return true;
    }

    /// <summary>y += s·x over equal-length spans.</summary>
    internal static void Axpy(float s, ReadOnlySpan<float> x, Span<float> y)
    {
        int w = Vector<float>.Count, j = 0;
        var sv = new Vector<float>(s);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (; j <= y.Length - w; j += w)
            (Vector.LoadUnsafe(ref yr, (nuint)j) + sv * Vector.LoadUnsafe(ref xr, (nuint)j)).StoreUnsafe(ref yr, (nuint)j);
        for (; j < y.Length; j++) y[j] += s * x[j];
    }
}
