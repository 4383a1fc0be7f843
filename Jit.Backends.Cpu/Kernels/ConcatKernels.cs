using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Ops;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// cat and stack, as PyTorch 1.13: inputs promote to one dtype, and legacy empty 1-D tensors
/// (shape [0]) are skipped in shape checks so old code that starts from torch.empty(0) still works.
/// </summary>
internal static class ConcatKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::cat", (i, o) => o[0] = Cat(ShapeArgs.Tensors(i[0], "aten::cat"), i[1].AsInt, "aten::cat"));
        t.Add("aten::concat", (i, o) => o[0] = Cat(ShapeArgs.Tensors(i[0], "aten::concat"), i[1].AsInt, "aten::concat"));
        t.Add("aten::stack", (i, o) => o[0] = Stack(ShapeArgs.Tensors(i[0], "aten::stack"), i[1].AsInt));
    }

    private static bool Skipped(Tensor t) => t.Rank == 1 && t.NumElements == 0;

    public static Tensor Cat(Tensor[] tensors, long dim, string op)
    {
        if (tensors.Length == 0) throw new JitShapeException($"{op}: expected a non-empty list of Tensors");
        var dtype = tensors[0].DType;
        for (int k = 0; k < tensors.Length; k++)
        {
            if (tensors[k].Rank == 0)
                throw new JitShapeException($"{op}: zero-dimensional tensor (at position {k}) cannot be concatenated");
            dtype = TypePromotion.Promote(dtype, tensors[k].DType);
        }
        int valid = Array.FindIndex(tensors, x => !Skipped(x));
        if (valid < 0) return Tensor.Empty(dtype, 0);
        var first = tensors[valid];
        int d = ShapeArgs.Dim(dim, first.Rank, op);
        long catSize = 0;
        for (int k = 0; k < tensors.Length; k++)
        {
            var x = tensors[k];
            if (Skipped(x)) continue;
            CheckShapeExceptDim(first, x, d, k, op);
            catSize += x.Sizes[d];
        }
        var sizes = first.SizesArray();
        sizes[d] = catSize;
        var result = Tensor.Empty(dtype, sizes);
        long offset = 0;
        foreach (var x in tensors)
        {
            if (Skipped(x)) continue;
            ShapeCopy.Copy(x, ShapeViews.Narrow(result, d, offset, x.Sizes[d], op));
            offset += x.Sizes[d];
        }
        return result;
    }

    private static void CheckShapeExceptDim(Tensor first, Tensor x, int dim, int index, string op)
    {
        if (first.Rank != x.Rank)
            throw new JitShapeException(
                $"{op}: tensors must have same number of dimensions: got {first.Rank} ({ShapeUtil.Format(first.Sizes)}) and {x.Rank} ({ShapeUtil.Format(x.Sizes)}) for tensor number {index} in the list");
        for (int d = 0; d < x.Rank; d++)
        {
            if (d != dim && first.Sizes[d] != x.Sizes[d])
                throw new JitShapeException(
                    $"{op}: sizes of tensors must match except in dimension {dim}. Expected size {first.Sizes[d]} but got size {x.Sizes[d]} " +
                    $"for tensor number {index} in the list (shapes {ShapeUtil.Format(first.Sizes)} and {ShapeUtil.Format(x.Sizes)})");
        }
    }

    private static Tensor Stack(Tensor[] tensors, long dim)
    {
        const string op = "aten::stack";
        if (tensors.Length == 0) throw new JitShapeException($"{op}: expects a non-empty TensorList");
        var first = tensors[0];
        for (int k = 1; k < tensors.Length; k++)
        {
            if (!tensors[k].Sizes.SequenceEqual(first.Sizes))
                throw new JitShapeException(
                    $"{op}: expects each tensor to be equal size, but got {ShapeUtil.Format(first.Sizes)} at entry 0 and {ShapeUtil.Format(tensors[k].Sizes)} at entry {k}");
        }
        int d = ShapeArgs.Dim(dim, first.Rank + 1, op);
        return Cat(tensors.Select(x => ShapeViews.Unsqueeze(x, d, op)).ToArray(), d, op);
    }
}
