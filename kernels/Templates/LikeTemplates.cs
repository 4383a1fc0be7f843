using Jit.Kernels.Building;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Kernels.Templates;

/// <summary>
/// Ops that make a contiguous tensor shaped like their input: contiguous (a copy of any layout;
/// the CPU kernel returns an already contiguous input itself, with the same values), and
/// zeros_like, ones_like, full_like (the input is bound only for its sizes).
/// </summary>
internal static class LikeTemplates
{
    public static void Register(Dictionary<string, TemplateFunction> t)
    {
        t.Add("aten::contiguous", Contiguous);
        t.Add("aten::zeros_like", args => Fill(args, IValue.FromInt(0), dtypeArgument: 1));
        t.Add("aten::ones_like", args => Fill(args, IValue.FromInt(1), dtypeArgument: 1));
        t.Add("aten::full_like", args => Fill(args, args.Number(1), dtypeArgument: 2));
    }

    private static ExternKernel Contiguous(TemplateArgs args)
    {
        var x = args.Tensor(0);
        var kb = new KernelBuilder(args);
        var input = kb.Input("self", x, 0);
        var output = kb.Output("out", x.DType, input.Sizes);
        var nest = new OutputNest(kb, output.Sizes);
        nest.Store(output, input.Load(nest.Index.ToArray<Expr>()));
        kb.Add(nest.Build());
        return kb.Build();
    }

    private static ExternKernel Fill(TemplateArgs args, IValue value, int dtypeArgument)
    {
        var x = args.Tensor(0);
        var dtype = x.DType;
        if (args.OptionalInt(dtypeArgument) is { } code)
        {
            if (code is < 0 or > 15 || !DTypeInfo.IsDefined((int)code)) throw args.Unsupported($"dtype code {code}");
            dtype = (DType)code;
        }
        if (!dtype.IsFloatingPoint() && value.IsDouble) throw args.Unsupported("a float fill value for an integer or bool tensor");
        var constant = NumberConstants.Of(value, dtype);
        var kb = new KernelBuilder(args);
        var input = kb.Input("self", x, 0);
        var output = kb.Output("out", dtype, input.Sizes);
        var nest = new OutputNest(kb, output.Sizes);
        nest.Store(output, constant);
        kb.Add(nest.Build());
        return kb.Build();
    }
}
