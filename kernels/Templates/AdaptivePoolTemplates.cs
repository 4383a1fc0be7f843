using Jit.Kernels.Building;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Kernels.Templates;

/// <summary>
/// adaptive_avg_pool2d and adaptive_max_pool2d (values and indices) for a constant output size:
/// output cell o of n covers input [⌊o·in/n⌋, ⌈(o+1)·in/n⌉), as PyTorch; the window's bounds are
/// loop bounds, so no tap is masked. Half types compute in float32.
/// </summary>
internal static class AdaptivePoolTemplates
{
    public static void Register(Dictionary<string, TemplateFunction> t)
    {
        t.Add("aten::adaptive_avg_pool2d", args => Adaptive(args, max: false));
        t.Add("aten::adaptive_max_pool2d", args => Adaptive(args, max: true));
    }

    private static ExternKernel Adaptive(TemplateArgs args, bool max)
    {
        var x = args.Tensor(0);
        PoolInput.Validate(args, x);
        var size = args.Ints(1, 2);
        if (size[0] < 0 || size[1] < 0) throw args.Unsupported("negative output size");
        var kb = new KernelBuilder(args);
        var input = kb.Input("self", x, 0);
        Expr h = input.Sizes[^2], w = input.Sizes[^1];
        Expr[] shape = [.. input.Sizes.Take(x.Rank - 2), size[0], size[1]];
        var values = kb.Output("out", x.DType, shape);
        var indices = max ? kb.Output("indices", DType.Int64, shape) : null;
        var compute = Accumulation.Of(x.DType);
        var nest = new OutputNest(kb, values.Sizes);
        var leading = PoolInput.Leading(nest.Index);
        ReductionAxis[] window = [Cell(nest.Index[^2], h, size[0]), Cell(nest.Index[^1], w, size[1])];
        Expr Tap(IReadOnlyList<Var> r) => Expr.Cast(input.Load([.. leading, r[0], r[1]]), compute);
        if (!max)
        {
            var sum = nest.Reduce(Reducer.Sum, compute, window, Tap);
            var count = (window[0].Stop - window[0].Start) * (window[1].Stop - window[1].Start);
            nest.Store(values, sum / Expr.Cast(count, compute));
        }
        else
        {
            var best = nest.Reduce(Reducer.Max, compute, window, Tap);
            nest.Store(values, best);
            nest.Store(indices!, nest.Reduce(Reducer.Min, DType.Int64, window, r => PoolInput.ArgMaxCandidate(Tap(r), best, r[0], r[1], w)));
        }
        kb.Add(nest.Build());
        return kb.Build();
    }

    private static ReductionAxis Cell(Expr o, Expr input, long outputs) => new(o * input / outputs, ((o + 1) * input + outputs - 1) / outputs);
}
