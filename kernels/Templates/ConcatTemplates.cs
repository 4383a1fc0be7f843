using Jit.Kernels.Building;
using Jit.Ops;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Kernels.Templates;

/// <summary>
/// cat and stack: one loop nest over the output; along the joined dim a chain of ifs picks the
/// input that holds the position (so an empty input is never read), converting to the promoted
/// dtype. Inputs share their non-joined size vars, which states that those sizes agree. Not
/// covered: PyTorch's legacy skipping of empty 1-D tensors among tensors of another rank.
/// </summary>
internal static class ConcatTemplates
{
    public static void Register(Dictionary<string, TemplateFunction> t)
    {
        t.Add("aten::cat", args => Join(args, stack: false));
        t.Add("aten::concat", args => Join(args, stack: false));
        t.Add("aten::stack", args => Join(args, stack: true));
    }

    private static ExternKernel Join(TemplateArgs args, bool stack)
    {
        var tensors = args.TensorList(0);
        if (tensors.Length == 0) throw args.Unsupported("an empty tensor list");
        var first = tensors[0];
        int rank = first.Rank;
        if (rank == 0 && !stack) throw args.Unsupported("0-D tensors cannot be concatenated");
        if (tensors.Any(t => t.Rank != rank)) throw args.Unsupported("tensors of different ranks");
        int dim = args.Dim(1, stack ? rank + 1 : rank);
        for (int d = 0; d < rank; d++)
        {
            if ((stack || d != dim) && tensors.Any(t => t.Sizes[d] != first.Sizes[d])) throw args.Unsupported($"sizes differ in dim {d}");
        }
        var dtype = tensors.Select(t => t.DType).Aggregate(TypePromotion.Promote);
        var kb = new KernelBuilder(args);
        var inputs = new List<TeBuffer>();
        foreach (var t in tensors)
        {
            // The first input's sizes are shared by all, except the joined dim of cat.
            Expr?[]? shared = inputs.Count == 0 ? null : inputs[0].Sizes.Select((s, d) => stack || d != dim ? s : null).ToArray();
            inputs.Add(kb.Input("x", t, 0, shared));
        }
        var shape = inputs[0].Sizes.ToList();
        if (stack) shape.Insert(dim, Expr.Int(tensors.Length));
        else shape[dim] = inputs.Skip(1).Aggregate(inputs[0].Sizes[dim], (total, b) => total + b.Sizes[dim]);
        var output = kb.Output("out", dtype, shape);
        var nest = new OutputNest(kb, output.Sizes);
        nest.Add(Pieces(output, nest.Index, inputs, dim, stack));
        kb.Add(nest.Build());
        return kb.Build();
    }

    /// <summary><c>if (j &lt; end0) out = x0[j] else if (j &lt; end1) out = x1[j - end0] ... else out = xn[j - endn-1]</c>.</summary>
    private static Stmt Pieces(TeBuffer output, IReadOnlyList<Var> index, List<TeBuffer> inputs, int dim, bool stack)
    {
        var starts = new Expr[inputs.Count];
        Expr offset = Expr.Int(0);
        for (int k = 0; k < inputs.Count; k++)
        {
            starts[k] = offset;
            offset = TeSimplifier.Simplify(offset + (stack ? Expr.Int(1) : inputs[k].Sizes[dim]));
        }
        Stmt? chain = null;
        for (int k = inputs.Count - 1; k >= 0; k--)
        {
            var at = index.ToList<Expr>();
            if (stack) at.RemoveAt(dim);
            else at[dim] = index[dim] - starts[k];
            var copy = output.Store(index.ToArray<Expr>(), inputs[k].Load(at));
            chain = chain is null ? copy : new IfStmt(Expr.Lt(index[dim], k + 1 < inputs.Count ? starts[k + 1] : offset), copy, chain);
        }
        return chain!;
    }
}
