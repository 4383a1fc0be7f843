using Jit.Kernels.Building;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Kernels.Templates;

/// <summary>
/// embedding, index_select and gather: each output element copies the element an index tensor (int64 or
/// int32) points at. Index values are the caller's to validate (the CPU kernel reports them);
/// the kernel clamps them into range so that no target ever reads outside the table.
/// </summary>
internal static class GatherTemplates
{
    public static void Register(Dictionary<string, TemplateFunction> t)
    {
        t.Add("aten::embedding", Embedding);
        t.Add("aten::index_select", IndexSelect);
        t.Add("aten::gather", Gather);
    }

    // embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse): out[..., d] = weight[indices[...], d].
    private static ExternKernel Embedding(TemplateArgs args)
    {
        var w = args.Tensor(0);
        var ids = args.Tensor(1);
        if (w.Rank != 2) throw args.Unsupported($"weight must be 2-D, got {w.Rank}-D");
        CheckIndex(args, ids);
        var kb = new KernelBuilder(args);
        var weight = kb.Input("weight", w, 0);
        var indices = kb.Input("indices", ids, 1);
        var output = kb.Output("out", w.DType, [.. indices.Sizes, weight.Sizes[1]]);
        var nest = new OutputNest(kb, output.Sizes);
        var row = Clamped(indices.Load(nest.Index.Take(ids.Rank).ToArray<Expr>()), weight.Sizes[0]);
        nest.Store(output, weight.Load(row, nest.Index[^1]));
        kb.Add(nest.Build());
        return kb.Build();
    }

    // index_select(self, dim, index): self with dim `dim` picked by a 0-D or 1-D index.
    private static ExternKernel IndexSelect(TemplateArgs args)
    {
        var x = args.Tensor(0);
        var ids = args.Tensor(2);
        if (x.Rank == 0) throw args.Unsupported("a 0-D input");
        int dim = args.Dim(1, x.Rank);
        if (ids.Rank > 1) throw args.Unsupported($"index must be 0-D or 1-D, got {ids.Rank}-D");
        CheckIndex(args, ids);
        var kb = new KernelBuilder(args);
        var self = kb.Input("self", x, 0);
        var index = kb.Input("index", ids, 2);
        var shape = self.Sizes.ToArray();
        shape[dim] = ids.Rank == 0 ? Expr.Int(1) : index.Sizes[0];
        var output = kb.Output("out", x.DType, shape);
        var nest = new OutputNest(kb, output.Sizes);
        var at = nest.Index.ToArray<Expr>();
        at[dim] = Clamped(ids.Rank == 0 ? index.Load() : index.Load(nest.Index[dim]), self.Sizes[dim]);
        nest.Store(output, self.Load(at));
        kb.Add(nest.Build());
        return kb.Build();
    }

    // gather(self, dim, index, sparse_grad): out[i] = self[i with dim `dim` replaced by index[i]].
    private static ExternKernel Gather(TemplateArgs args)
    {
        var x = args.Tensor(0);
        var ids = args.Tensor(2);
        if (x.Rank == 0 || ids.Rank != x.Rank) throw args.Unsupported($"input of rank {x.Rank} with an index of rank {ids.Rank}");
        int dim = args.Dim(1, x.Rank);
        if (ids.DType != DType.Int64) throw args.Unsupported($"index dtype {ids.DType.PythonName()} (int64 expected)");
        for (int d = 0; d < x.Rank; d++)
        {
            if (d != dim && ids.Sizes[d] > x.Sizes[d]) throw args.Unsupported($"index is larger than the input in dim {d}");
        }
        var kb = new KernelBuilder(args);
        var self = kb.Input("self", x, 0);
        var index = kb.Input("index", ids, 2);
        var output = kb.Output("out", x.DType, index.Sizes);
        var nest = new OutputNest(kb, output.Sizes);
        var at = nest.Index.ToArray<Expr>();
        at[dim] = Clamped(index.Load(nest.Index.ToArray<Expr>()), self.Sizes[dim]);
        nest.Store(output, self.Load(at));
        kb.Add(nest.Build());
        return kb.Build();
    }

    private static void CheckIndex(TemplateArgs args, Tensor index)
    {
        if (index.DType is not (DType.Int64 or DType.Int32)) throw args.Unsupported($"index dtype {index.DType.PythonName()} (int64 or int32 expected)");
    }

    private static Expr Clamped(Expr index, Expr size) => Expr.Max(Expr.Min(Expr.Cast(index, DType.Int64), size - 1), 0);
}
