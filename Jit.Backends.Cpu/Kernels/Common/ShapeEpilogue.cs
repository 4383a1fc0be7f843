using System.Runtime.InteropServices;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The <c>beta·self + alpha·product</c> step of addmm, baddbmm, linear and conv bias, applied in
/// place to a freshly computed contiguous product; <c>self</c> broadcasts to the product's shape.
/// </summary>
internal static class ShapeEpilogue
{
    public static Tensor AddScaled(Tensor product, Tensor addend, IValue alpha, IValue beta, string op)
    {
        if (addend.DType != product.DType)
            throw new JitTypeException($"{op}: expected self/bias of dtype {product.DType.PythonName()} but got {addend.DType.PythonName()} {ShapeUtil.Format(addend.Sizes)}");
        var self = ShapeViews.Expand(addend, product.Sizes, op);
        if (product.NumElements == 0) return product;
        bool integral = !product.DType.IsFloatingPoint();
        if (integral && (alpha.IsDouble || beta.IsDouble))
            throw new JitTypeException($"{op}: for integral input tensors, alpha and beta must not be floating point numbers");
        double a = alpha.AsDouble, b = beta.AsDouble;
        if (product.DType == DType.Float32)
        {
            AddFloat(product, self, (float)a, (float)b);
            return product;
        }
        var it = new ShapeIndexer(product.Sizes, product.Strides, self.Strides);
        do
        {
            long pi = product.StorageOffset + it.OffsetA, si = self.StorageOffset + it.OffsetB;
            if (integral)
            {
                long v = alpha.AsInt * product.ReadLong(pi);
                if (beta.AsInt != 0) v += beta.AsInt * self.ReadLong(si);
                product.WriteLong(pi, v);
            }
            else
            {
                // beta == 0 ignores self entirely, so NaN/inf in it do not propagate (as PyTorch).
                double v = a * product.ReadDouble(pi);
                if (b != 0) v += b * self.ReadDouble(si);
                product.WriteDouble(pi, v);
            }
        } while (it.Next());
        return product;
    }

    private static void AddFloat(Tensor product, Tensor self, float alpha, float beta)
    {
        var p = MemoryMarshal.Cast<byte, float>(product.Storage.Bytes.Span);
        var s = MemoryMarshal.Cast<byte, float>(self.Storage.Bytes.Span);
        int rank = product.Rank;
        long inner = rank == 0 ? 1 : product.Sizes[rank - 1];
        long ss = rank == 0 ? 0 : self.Strides[rank - 1];
        int outer = Math.Max(rank - 1, 0);
        var it = new ShapeIndexer(product.Sizes[..outer], product.Strides[..outer], self.Strides[..outer]);
        do
        {
            long po = product.StorageOffset + it.OffsetA, so = self.StorageOffset + it.OffsetB;
            for (long j = 0; j < inner; j++)
            {
                float v = alpha == 1 ? p[(int)(po + j)] : alpha * p[(int)(po + j)];
                if (beta != 0) v += beta == 1 ? s[(int)(so + j * ss)] : beta * s[(int)(so + j * ss)];
                p[(int)(po + j)] = v;
            }
        } while (it.Next());
    }
}
