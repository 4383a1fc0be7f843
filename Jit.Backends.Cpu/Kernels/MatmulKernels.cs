using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// The matmul family, with PyTorch's rank rules: 1-D·1-D is a dot product, a 1-D operand gains
/// and then loses a unit dim, N-D·(1|2)-D folds the batch into rows, and the rest broadcast the
/// batch dims. Transposed operands are read in place (see <see cref="ShapeGemm"/>).
/// </summary>
internal static class MatmulKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::matmul", (i, o) => o[0] = Matmul(i[0].AsTensor, i[1].AsTensor, "aten::matmul"));
        t.Add("aten::mm", (i, o) => o[0] = Mm(i[0].AsTensor, i[1].AsTensor, "aten::mm"));
        t.Add("aten::bmm", (i, o) => o[0] = Bmm(i[0].AsTensor, i[1].AsTensor, "aten::bmm"));
        t.Add("aten::dot", (i, o) => o[0] = Dot(i[0].AsTensor, i[1].AsTensor));
        // addmm(self, mat1, mat2, beta, alpha) and baddbmm(self, batch1, batch2, beta, alpha).
        t.Add("aten::addmm", (i, o) => o[0] = AddProduct(i[0].AsTensor, i[1].AsTensor, i[2].AsTensor, i[3], i[4], batched: false, "aten::addmm"));
        t.Add("aten::baddbmm", (i, o) => o[0] = AddProduct(i[0].AsTensor, i[1].AsTensor, i[2].AsTensor, i[3], i[4], batched: true, "aten::baddbmm"));
        t.Add("aten::linear", (i, o) => o[0] = Linear(i[0].AsTensor, i[1].AsTensor, i[2].AsTensorOrNull));
    }

    /// <summary>
    /// beta·self + alpha·(a·b). Float32/float64 seed the output with self and let the GEMM's
    /// epilogue scale and add (one pass over C instead of three); other dtypes add afterwards.
    /// </summary>
    private static Tensor AddProduct(Tensor self, Tensor a, Tensor b, IValue beta, IValue alpha, bool batched, string op)
    {
        bool fused = a.DType is DType.Float32 or DType.Float64 && self.DType == a.DType;
        if (!fused)
        {
            var prod = batched ? Bmm(a, b, op) : Mm(a, b, op);
            return ShapeEpilogue.AddScaled(prod, self, alpha, beta, op);
        }
        if (batched) CheckBmm(a, b, op);
        else CheckMm(a, b, op);
        SameDType(a, b, op);
        double al = alpha.AsDouble, be = beta.AsDouble;
        long[] shape = batched ? [a.Sizes[0], a.Sizes[1], b.Sizes[2]] : [a.Sizes[0], b.Sizes[1]];
        var c = Tensor.Empty(a.DType, shape);
        var seed = ShapeViews.Expand(self, shape, op);
        if (c.NumElements == 0) return c;
        // beta == 0 ignores self, NaN included, as PyTorch; the GEMM then never reads C.
        if (be != 0) ShapeCopy.Copy(seed, c);
        if (!batched)
        {
            ShapeGemm.TryFusedInto(a, b, c, al, be, null);
            return c;
        }
        long n = shape[1], p = shape[2], k = a.Sizes[2];
        for (long i = 0; i < shape[0]; i++)
        {
            var av = a.AsStrided([n, k], [a.Strides[1], a.Strides[2]], a.StorageOffset + i * a.Strides[0]);
            var bv = b.AsStrided([k, p], [b.Strides[1], b.Strides[2]], b.StorageOffset + i * b.Strides[0]);
            ShapeGemm.TryFusedInto(av, bv, c.AsStrided([n, p], [p, 1], i * n * p), al, be, null);
        }
        return c;
    }

    private static void SameDType(Tensor a, Tensor b, string op)
    {
        if (a.DType != b.DType)
            throw new JitTypeException($"{op}: expected both operands to have the same dtype, but got {a.DType.PythonName()} {ShapeUtil.Format(a.Sizes)} and {b.DType.PythonName()} {ShapeUtil.Format(b.Sizes)}");
    }

    private static void CheckMm(Tensor a, Tensor b, string op)
    {
        if (a.Rank != 2 || b.Rank != 2)
            throw new JitShapeException($"{op}: expected 2-D matrices but got shapes {ShapeUtil.Format(a.Sizes)} and {ShapeUtil.Format(b.Sizes)}");
        if (a.Sizes[1] != b.Sizes[0])
            throw new JitShapeException($"{op}: mat1 and mat2 shapes cannot be multiplied ({a.Sizes[0]}x{a.Sizes[1]} and {b.Sizes[0]}x{b.Sizes[1]})");
    }

    private static void CheckBmm(Tensor a, Tensor b, string op)
    {
        if (a.Rank != 3 || b.Rank != 3)
            throw new JitShapeException($"{op}: expected 3-D tensors but got shapes {ShapeUtil.Format(a.Sizes)} and {ShapeUtil.Format(b.Sizes)}");
        if (a.Sizes[0] != b.Sizes[0] || a.Sizes[2] != b.Sizes[1])
            throw new JitShapeException($"{op}: batch shapes cannot be multiplied: {ShapeUtil.Format(a.Sizes)} and {ShapeUtil.Format(b.Sizes)}");
    }

    public static Tensor Mm(Tensor a, Tensor b, string op)
    {
        CheckMm(a, b, op);
        SameDType(a, b, op);
        var c = Tensor.Empty(a.DType, a.Sizes[0], b.Sizes[1]);
        ShapeGemm.MatmulInto(a, b, c, op);
        return c;
    }

    public static Tensor Bmm(Tensor a, Tensor b, string op)
    {
        CheckBmm(a, b, op);
        SameDType(a, b, op);
        return Batched(a, b, [a.Sizes[0]], op);
    }

    private static Tensor Dot(Tensor a, Tensor b)
    {
        const string op = "aten::dot";
        if (a.Rank != 1 || b.Rank != 1)
            throw new JitShapeException($"{op}: 1D tensors expected, but got shapes {ShapeUtil.Format(a.Sizes)} and {ShapeUtil.Format(b.Sizes)}");
        if (a.Sizes[0] != b.Sizes[0])
            throw new JitShapeException($"{op}: inconsistent tensor size, expected tensor {ShapeUtil.Format(a.Sizes)} and src {ShapeUtil.Format(b.Sizes)} to have the same number of elements");
        SameDType(a, b, op);
        var c = Tensor.Empty(a.DType, 1, 1);
        ShapeGemm.MatmulInto(ShapeViews.Unsqueeze(a, 0, op), ShapeViews.Unsqueeze(b, 1, op), c, op);
        return c.AsStrided([], [], 0);
    }

    public static Tensor Matmul(Tensor a, Tensor b, string op)
    {
        int d1 = a.Rank, d2 = b.Rank;
        if (d1 == 0 || d2 == 0)
            throw new JitShapeException($"{op}: both arguments to matmul need to be at least 1D, but they are {d1}D {ShapeUtil.Format(a.Sizes)} and {d2}D {ShapeUtil.Format(b.Sizes)}");
        SameDType(a, b, op);
        if (d1 == 1 && d2 == 1) return Dot(a, b);
        if (d1 == 2 && d2 == 2) return Mm(a, b, op);
        if (d2 == 1 && d1 >= 2)
        {
            // Fold every leading dim of `a` into rows: [..., n, m]·[m] → [..., n].
            long m = a.Sizes[^1];
            CheckInner(a, b, m, b.Sizes[0], op);
            var rows = ShapeViews.Reshape(a, [LeadingProduct(a), m], op);
            var r = Mm(rows, ShapeViews.Unsqueeze(b, 1, op), op);
            return ShapeViews.View(r, a.Sizes[..^1], op);
        }
        if (d1 == 1 && d2 == 2)
        {
            CheckInner(a, b, a.Sizes[0], b.Sizes[0], op);
            return ShapeViews.Squeeze(Mm(ShapeViews.Unsqueeze(a, 0, op), b, op), 0);
        }
        if (d2 == 2)
        {
            long m = a.Sizes[^1];
            CheckInner(a, b, m, b.Sizes[0], op);
            // Rows counted explicitly: -1 is ambiguous when the contracted dim is 0.
            var rows = ShapeViews.Reshape(a, [LeadingProduct(a), m], op);
            var r = Mm(rows, b, op);
            return ShapeViews.View(r, [.. a.Sizes[..^1].ToArray(), b.Sizes[1]], op);
        }
        // Batched with broadcasting; a 1-D operand becomes a single row / column first.
        var a2 = d1 == 1 ? ShapeViews.Unsqueeze(a, 0, op) : a;
        var b2 = d2 == 1 ? ShapeViews.Unsqueeze(b, 1, op) : b;
        CheckInner(a, b, a2.Sizes[^1], b2.Sizes[^2], op);
        var batch = ShapeUtil.Broadcast(a2.Sizes[..^2], b2.Sizes[..^2], op);
        var aE = ShapeViews.Expand(a2, [.. batch, a2.Sizes[^2], a2.Sizes[^1]], op);
        var bE = ShapeViews.Expand(b2, [.. batch, b2.Sizes[^2], b2.Sizes[^1]], op);
        var result = Batched(aE, bE, batch, op);
        if (d1 == 1) result = ShapeViews.Squeeze(result, result.Rank - 2);
        if (d2 == 1) result = ShapeViews.Squeeze(result, result.Rank - 1);
        return result;
    }

    private static long LeadingProduct(Tensor a)
    {
        long n = 1;
        foreach (var s in a.Sizes[..^1]) n *= s;
        return n;
    }

    private static void CheckInner(Tensor a, Tensor b, long ka, long kb, string op)
    {
        if (ka != kb)
            throw new JitShapeException($"{op}: shapes {ShapeUtil.Format(a.Sizes)} and {ShapeUtil.Format(b.Sizes)} cannot be multiplied ({ka} vs {kb} in the contracted dimension)");
    }

    /// <summary>Products over the leading <paramref name="batch"/> dims of equally batched operands.</summary>
    private static Tensor Batched(Tensor a, Tensor b, long[] batch, string op)
    {
        long n = a.Sizes[^2], k = a.Sizes[^1], p = b.Sizes[^1];
        var result = Tensor.Empty(a.DType, [.. batch, n, p]);
        if (result.NumElements == 0) return result;
        int bd = batch.Length;
        long[] aStr = [a.Strides[^2], a.Strides[^1]], bStr = [b.Strides[^2], b.Strides[^1]];
        long[] cStr = [p, 1];
        var it = new ShapeIndexer(batch, a.Strides[..bd], b.Strides[..bd]);
        long cOffset = 0;
        do
        {
            var av = a.AsStrided([n, k], aStr, a.StorageOffset + it.OffsetA);
            var bv = b.AsStrided([k, p], bStr, b.StorageOffset + it.OffsetB);
            var cv = result.AsStrided([n, p], cStr, cOffset);
            ShapeGemm.MatmulInto(av, bv, cv, op);
            cOffset += n * p;
        } while (it.Next());
        return result;
    }

    internal static Tensor Linear(Tensor input, Tensor weight, Tensor? bias)
    {
        const string op = "aten::linear";
        if (weight.Rank is 0 or > 2)
            throw new JitShapeException($"{op}: weight must be 1-D or 2-D but has shape {ShapeUtil.Format(weight.Sizes)} (input shape {ShapeUtil.Format(input.Sizes)})");
        var wt = weight.Rank == 2 ? ShapeViews.Transpose(weight, 0, 1, op) : weight;
        if (input.Rank == 0 || input.Sizes[^1] != weight.Sizes[^1])
            throw new JitShapeException($"{op}: input shape {ShapeUtil.Format(input.Sizes)} and weight shape {ShapeUtil.Format(weight.Sizes)} cannot be multiplied");
        var y = weight.Rank == 2 ? Tensor.Empty(input.DType, [.. input.Sizes[..^1].ToArray(), weight.Sizes[0]]) : null;
        if (y is not null && LinearGemm.Applies(input, weight, bias, y))
        {
            // One GEMM over the folded leading dims; the weight is read transposed in place and
            // the bias is added by the GEMM's stores.
            LinearGemm.Into(input, weight, bias, y);
            return y;
        }
        var r = Matmul(input, wt, op);
        if (bias is null) return r;
        return ShapeEpilogue.AddScaled(r, bias, IValue.FromInt(1), IValue.FromInt(1), op);
    }
}
