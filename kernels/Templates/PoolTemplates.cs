using Jit.Kernels.Building;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Kernels.Templates;

/// <summary>
/// max_pool2d (with or without indices) and avg_pool2d over a constant window: one loop nest
/// over the output with the kh × kw taps inside; taps in the padding are masked out. Output sizes,
/// ceil_mode, count_include_pad and divisor_override follow PyTorch exactly. Half types compute in
/// float32, as the CPU kernels.
/// </summary>
internal static class PoolTemplates
{
    public static void Register(Dictionary<string, TemplateFunction> t)
    {
        t.Add("aten::max_pool2d", args => MaxPool(args, withIndices: false));
        t.Add("aten::max_pool2d_with_indices", args => MaxPool(args, withIndices: true));
        t.Add("aten::avg_pool2d", AvgPool);
    }

    private sealed record Window(long[] Kernel, WindowAxis Rows, WindowAxis Cols, bool CeilMode);

    // max_pool2d(self, kernel_size, stride, padding, dilation, ceil_mode)
    private static ExternKernel MaxPool(TemplateArgs args, bool withIndices)
    {
        var x = args.Tensor(0);
        var window = Read(args, x, args.Ints(4, 2), args.Bool(5));
        var kb = new KernelBuilder(args);
        var input = kb.Input("self", x, 0);
        var shape = OutputShape(input, window);
        var values = kb.Output("out", x.DType, shape);
        var indices = withIndices ? kb.Output("indices", DType.Int64, shape) : null;
        var compute = Accumulation.Of(x.DType);
        var nest = new OutputNest(kb, values.Sizes);
        var (oy, ox) = (nest.Index[^2], nest.Index[^1]);
        var leading = PoolInput.Leading(nest.Index);
        var taps = Taps(window);
        Expr Tap(IReadOnlyList<Var> r, double fill) =>
            Expr.Cast(WindowAxis.PaddedLoad(input, leading, window.Rows.Position(oy, r[0]), window.Cols.Position(ox, r[1]), fill), compute);
        var max = nest.Reduce(Reducer.Max, compute, taps, r => Tap(r, double.NegativeInfinity));
        nest.Store(values, max);
        if (indices is not null)
        {
            var index = nest.Reduce(Reducer.Min, DType.Int64, taps, r =>
            {
                Expr y = window.Rows.Position(oy, r[0]), xp = window.Cols.Position(ox, r[1]);
                Expr inside = Expr.And(WindowAxis.Inside(y, input.Sizes[^2]), WindowAxis.Inside(xp, input.Sizes[^1]));
                return PoolInput.ArgMaxCandidate(Tap(r, double.NegativeInfinity), max, y, xp, input.Sizes[^1], inside);
            });
            nest.Store(indices, index);
        }
        kb.Add(nest.Build());
        return kb.Build();
    }

    // avg_pool2d(self, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)
    private static ExternKernel AvgPool(TemplateArgs args)
    {
        var x = args.Tensor(0);
        var window = Read(args, x, [1, 1], args.Bool(4));
        bool includePad = args.Bool(5);
        long? divisorOverride = args.OptionalInt(6);
        if (divisorOverride == 0) throw args.Unsupported("divisor_override is 0");
        var kb = new KernelBuilder(args);
        var input = kb.Input("self", x, 0);
        var output = kb.Output("out", x.DType, OutputShape(input, window));
        var compute = Accumulation.Of(x.DType);
        var nest = new OutputNest(kb, output.Sizes);
        var (oy, ox) = (nest.Index[^2], nest.Index[^1]);
        var leading = PoolInput.Leading(nest.Index);
        var sum = nest.Reduce(Reducer.Sum, compute, Taps(window), r =>
            WindowAxis.PaddedLoad(input, leading, window.Rows.Position(oy, r[0]), window.Cols.Position(ox, r[1]), 0.0));
        // The window clipped to the padded input (count_include_pad), then to the input itself.
        var (y0, y1) = Clip(window.Rows, oy, window.Kernel[0], input.Sizes[^2]);
        var (x0, x1) = Clip(window.Cols, ox, window.Kernel[1], input.Sizes[^1]);
        Expr yIn0 = Expr.Max(y0, 0), yIn1 = Expr.Min(y1, input.Sizes[^2]);
        Expr xIn0 = Expr.Max(x0, 0), xIn1 = Expr.Min(x1, input.Sizes[^1]);
        Expr divisor = divisorOverride is { } d ? Expr.Int(d) : includePad ? (y1 - y0) * (x1 - x0) : (yIn1 - yIn0) * (xIn1 - xIn0);
        Expr empty = Expr.Or(Expr.Ge(yIn0, yIn1), Expr.Ge(xIn0, xIn1));
        nest.Store(output, Expr.Select(empty, 0.0, sum / Expr.Cast(divisor, compute)));
        kb.Add(nest.Build());
        return kb.Build();
    }

    private static (Expr Start, Expr Stop) Clip(WindowAxis axis, Expr o, long kernel, Expr size)
    {
        var start = axis.Position(o, 0);
        return (start, Expr.Min(start + kernel, size + axis.Padding));
    }

    private static ReductionAxis[] Taps(Window w) => [ReductionAxis.Range(w.Kernel[0]), ReductionAxis.Range(w.Kernel[1])];

    private static Expr[] OutputShape(TeBuffer input, Window w)
    {
        var shape = input.Sizes.Take(input.Rank - 2).ToList();
        shape.Add(w.Rows.PoolOutputSize(input.Sizes[^2], w.Kernel[0], w.CeilMode));
        shape.Add(w.Cols.PoolOutputSize(input.Sizes[^1], w.Kernel[1], w.CeilMode));
        return [.. shape];
    }

    /// <summary>kernel_size, stride (empty: the kernel) and padding at arguments 1-3, checked as the CPU kernel checks them.</summary>
    private static Window Read(TemplateArgs args, Tensor x, long[] dilation, bool ceilMode)
    {
        PoolInput.Validate(args, x);
        var kernel = args.Ints(1, 2);
        var stride = args[2].IsList && args[2].AsList.Count == 0 ? kernel : args.Ints(2, 2);
        var padding = args.Ints(3, 2);
        if (kernel.Any(k => k <= 0) || stride.Any(s => s <= 0) || dilation.Any(d => d <= 0))
            throw args.Unsupported("non-positive kernel size, stride or dilation");
        if (padding[0] < 0 || padding[1] < 0 || padding[0] > kernel[0] / 2 || padding[1] > kernel[1] / 2)
            throw args.Unsupported("padding must be at most half the kernel size");
        var window = new Window(kernel, new WindowAxis(stride[0], padding[0], dilation[0]), new WindowAxis(stride[1], padding[1], dilation[1]), ceilMode);
        if (window.Rows.PoolOutputSize(x.Sizes[^2], kernel[0], ceilMode) < 1 || window.Cols.PoolOutputSize(x.Sizes[^1], kernel[1], ceilMode) < 1)
            throw args.Unsupported("the output would be empty");
        return window;
    }
}
