using Jit.Kernels.Building;
using Jit.TensorExpr;

namespace Jit.Kernels.Templates;

/// <summary>
/// mm, bmm and matmul (every rank combination PyTorch allows: dot, matrix-vector, vector-matrix,
/// batched with broadcast batch dims). Operands of any layout are read in place.
/// </summary>
internal static class MatmulTemplates
{
    public static void Register(Dictionary<string, TemplateFunction> t)
    {
        t.Add("aten::mm", args => Product(args, "mm", rank: 2));
        t.Add("aten::bmm", args => Product(args, "bmm", rank: 3));
        t.Add("aten::matmul", args => Product(args, "matmul", rank: null));
        t.Add("aten::dot", args => Product(args, "dot", rank: 1));
    }

    /// <summary>self·other; with <paramref name="rank"/> set both operands must have it (bmm's batch dims are then equal, not broadcast).</summary>
    private static ExternKernel Product(TemplateArgs args, string name, int? rank)
    {
        var x = args.Tensor(0);
        var y = args.Tensor(1);
        if (rank is { } r && (x.Rank != r || y.Rank != r)) throw args.Unsupported($"{name} takes {r}-D operands, got {x.Rank}-D and {y.Rank}-D");
        MatrixProduct.Validate(args, x, false, y, false);
        if (rank == 3 && x.Sizes[0] != y.Sizes[0]) throw args.Unsupported($"batch sizes differ ({x.Sizes[0]} and {y.Sizes[0]})");
        var kb = new KernelBuilder(args);
        var a = kb.Input("self", x, 0);
        var inner = a.Sizes[MatrixOperand.InnerDim(x.Rank, right: false, transposed: false)];
        var sizes = MatrixProduct.Sizes(y, right: true, transposed: false, inner);
        if (rank == 3) sizes[0] = a.Sizes[0];
        var b = kb.Input("other", y, 1, sizes);
        MatrixProduct.Emit(kb, new MatrixOperand(a), new MatrixOperand(b), x.DType);
        return kb.Build();
    }
}
