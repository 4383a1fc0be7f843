using System.Buffers;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Out.OutSupport;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// Out-variants of sum and mean over dims (and over everything) for float32 without a dtype
/// argument. One pass over the input in storage order adds each element to its output's double
/// accumulator, so every output sums its elements in the same order as the ordinary kernel.
/// </summary>
internal static class OutReductionKernels
{
    private const int MaxRank = 16;

    public static void Register(KernelTable t)
    {
        Add(t, "aten::sum", (i, o) => i[1].IsNone && Reduce(i[0].AsTensor, IValue.None, mean: false, o));
        Add(t, "aten::sum.dim_IntList", (i, o) => i[3].IsNone && Reduce(i[0].AsTensor, i[1], mean: false, o));
        Add(t, "aten::mean", (i, o) => i[1].IsNone && Reduce(i[0].AsTensor, IValue.None, mean: true, o));
        Add(t, "aten::mean.dim", (i, o) => i[3].IsNone && Reduce(i[0].AsTensor, i[1], mean: true, o));
    }

    private static bool Reduce(Tensor x, IValue dims, bool mean, Tensor y)
    {
        int rank = x.Rank;
        if (!IsF32(x) || !IsF32(y) || rank > MaxRank || x.NumElements == 0) return false;
        Span<bool> reduced = stackalloc bool[Math.Max(rank, 1)];
        if (dims.IsNone || (dims.IsList && dims.AsList.Count == 0))
        {
            reduced.Fill(true);
        }
        else
        {
            if (!dims.IsList) return false;
            foreach (var d in dims.AsList.Items)
            {
                long v = d.AsInt;
                if (v < -rank || v >= rank) return false;
                int k = (int)(v < 0 ? v + rank : v);
                if (reduced[k]) return false; // a repeated dim: the kernel reports it
                reduced[k] = true;
            }
        }
        // The output's stride for each input dim (0 where the dim is reduced).
        Span<long> outStride = stackalloc long[Math.Max(rank, 1)];
        long s = 1, count = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            if (reduced[d]) { outStride[d] = 0; count *= x.Sizes[d]; }
            else { outStride[d] = s; s *= x.Sizes[d]; }
        }
        if (y.NumElements != s) return false;
        var xs = F32(x);
        var ys = F32(y);
        if (SuffixReduced(reduced, rank))
        {
            // Each output reduces one contiguous run: the same storage order, without the odometer.
            for (int k = 0; k < ys.Length; k++)
            {
                double a = 0;
                foreach (float v in xs.Slice((int)(k * count), (int)count)) a += v;
                ys[k] = (float)(mean ? a / count : a);
            }
            return true;
        }
        var acc = ArrayPool<double>.Shared.Rent((int)s);
        try
        {
            acc.AsSpan(0, (int)s).Clear();
            Span<long> idx = stackalloc long[Math.Max(rank, 1)];
            idx.Clear();
            long o = 0;
            for (int k = 0; k < xs.Length; k++)
            {
                acc[o] += xs[k];
                // Odometer step over the input's dims, moving the output index along.
                for (int d = rank - 1; d >= 0; d--)
                {
                    idx[d]++;
                    o += outStride[d];
                    if (idx[d] < x.Sizes[d]) break;
                    o -= outStride[d] * idx[d];
                    idx[d] = 0;
                }
            }
            for (int k = 0; k < ys.Length; k++) ys[k] = (float)(mean ? acc[k] / count : acc[k]);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(acc);
        }
        return true;
    }

    private static bool SuffixReduced(ReadOnlySpan<bool> reduced, int rank)
    {
        int d = rank;
        while (d > 0 && reduced[d - 1]) d--;
        for (int k = 0; k < d; k++) if (reduced[k]) return false;
        return true;
    }
}
