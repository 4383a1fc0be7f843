using Jit.Kernels.Building;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Kernels.Templates;

/// <summary>
/// Products with an epilogue: linear (x·Wᵀ + bias, the weight read transposed in place, bias
/// optional), addmm and baddbmm (beta·self + alpha·product; self broadcasts, and is not read at
/// all when beta is 0, as PyTorch).
/// </summary>
internal static class LinearTemplates
{
    public static void Register(Dictionary<string, TemplateFunction> t)
    {
        t.Add("aten::linear", Linear);
        t.Add("aten::addmm", args => AddProduct(args, "addmm", rank: 2));
        t.Add("aten::baddbmm", args => AddProduct(args, "baddbmm", rank: 3));
    }

    private static ExternKernel Linear(TemplateArgs args)
    {
        var x = args.Tensor(0);
        var w = args.Tensor(1);
        var bias = args.OptionalTensor(2);
        if (w.Rank is not (1 or 2)) throw args.Unsupported($"weight must be 1-D or 2-D, got {w.Rank}-D");
        MatrixProduct.Validate(args, x, false, w, true);
        long[] outSizes = [.. x.Sizes[..^1], .. w.Rank == 2 ? [w.Sizes[0]] : Array.Empty<long>()];
        if (bias is not null) CheckAddend(args, bias, x.DType, outSizes, "bias");
        var kb = new KernelBuilder(args);
        var input = kb.Input("input", x, 0);
        var weight = kb.Input("weight", w, 1, MatrixProduct.Sizes(w, right: true, transposed: true, input.Sizes[^1]));
        var b = bias is null ? null : kb.Input("bias", bias, 2);
        MatrixProduct.Emit(kb, new MatrixOperand(input), new MatrixOperand(weight, Transposed: true), x.DType, (shape, idx, product) =>
        {
            var y = Expr.Cast(product, x.DType);
            return b is null ? y : y + Broadcast.Load(b, shape, idx);
        });
        return kb.Build();
    }

    // addmm(self, mat1, mat2, *, beta, alpha) and baddbmm(self, batch1, batch2, *, beta, alpha).
    private static ExternKernel AddProduct(TemplateArgs args, string name, int rank)
    {
        var self = args.Tensor(0);
        var x = args.Tensor(1);
        var y = args.Tensor(2);
        var beta = args.Number(3);
        var alpha = args.Number(4);
        if (x.Rank != rank || y.Rank != rank) throw args.Unsupported($"{name} takes {rank}-D operands, got {x.Rank}-D and {y.Rank}-D");
        MatrixProduct.Validate(args, x, false, y, false);
        if (rank == 3 && x.Sizes[0] != y.Sizes[0]) throw args.Unsupported($"batch sizes differ ({x.Sizes[0]} and {y.Sizes[0]})");
        var dtype = x.DType;
        if (!dtype.IsFloatingPoint() && (!alpha.IsInt || !beta.IsInt))
            throw args.Unsupported("alpha and beta must be integers for integer tensors");
        long[] outSizes = rank == 2 ? [x.Sizes[0], y.Sizes[1]] : [x.Sizes[0], x.Sizes[1], y.Sizes[2]];
        CheckAddend(args, self, dtype, outSizes, "self");
        var kb = new KernelBuilder(args);
        bool readsSelf = beta.AsDouble != 0;
        var addend = readsSelf ? kb.Input("self", self, 0) : null;
        var a = kb.Input("mat1", x, 1);
        var sizes = MatrixProduct.Sizes(y, right: true, transposed: false, a.Sizes[^1]);
        if (rank == 3) sizes[0] = a.Sizes[0];
        var b = kb.Input("mat2", y, 2, sizes);
        var math = Accumulation.Of(dtype);
        MatrixProduct.Emit(kb, new MatrixOperand(a), new MatrixOperand(b), dtype, (shape, idx, product) =>
        {
            var scaled = NumberConstants.Scale(Expr.Cast(Expr.Cast(product, dtype), math), alpha);
            return addend is null ? scaled : scaled + NumberConstants.Scale(Expr.Cast(Broadcast.Load(addend, shape, idx), math), beta);
        });
        return kb.Build();
    }

    private static void CheckAddend(TemplateArgs args, Tensor addend, DType dtype, long[] outSizes, string what)
    {
        if (addend.DType != dtype) throw args.Unsupported($"{what} is {addend.DType.PythonName()}, the product {dtype.PythonName()}");
        if (!Broadcast.Fits(addend.Sizes, outSizes)) throw args.Unsupported($"{what} does not broadcast to the output");
    }
}
