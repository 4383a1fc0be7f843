using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Common.StridedMathArgs;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>Comparisons (to bool), logical and bitwise ops. Operands compare in their promoted dtype, as PyTorch does.</summary>
internal static class MathComparisonKernels
{
    public static void Register(KernelTable t)
    {
        Compare(t, "eq", (x, y) => x == y, (x, y) => x == y);
        Compare(t, "ne", (x, y) => x != y, (x, y) => x != y);
        Compare(t, "lt", (x, y) => x < y, (x, y) => x < y);
        Compare(t, "le", (x, y) => x <= y, (x, y) => x <= y);
        Compare(t, "gt", (x, y) => x > y, (x, y) => x > y);
        Compare(t, "ge", (x, y) => x >= y, (x, y) => x >= y);

        t.Add("aten::logical_and", Logical("logical_and", (x, y) => x && y));
        t.Add("aten::logical_or", Logical("logical_or", (x, y) => x || y));
        t.Add("aten::logical_xor", Logical("logical_xor", (x, y) => x != y));
        t.Add("aten::logical_not", (i, o) =>
            o[0] = StridedMathElementwise.Unary(i[0].AsTensor, DType.Float64, DType.Bool, x => x == 0 ? 1 : 0, x => x == 0 ? 1 : 0));

        Bitwise(t, "bitwise_and", "__and__", (x, y) => x & y);
        Bitwise(t, "bitwise_or", "__or__", (x, y) => x | y);
        Bitwise(t, "bitwise_xor", "__xor__", (x, y) => x ^ y);
        t.Add("aten::bitwise_not", (i, o) =>
        {
            var x = i[0].AsTensor;
            if (x.DType.IsFloatingPoint()) throw NotImplemented("bitwise_not", x.DType);
            o[0] = x.DType == DType.Bool
                ? StridedMathElementwise.Unary(x, DType.Bool, DType.Bool, _ => 0, v => v == 0 ? 1 : 0)
                : StridedMathElementwise.Unary(x, x.DType, x.DType, _ => 0, v => ~v);
        });
    }

    private static void Compare(KernelTable t, string op, Func<double, double, bool> f, Func<long, long, bool> i)
    {
        OpKernel k = (inp, outp) =>
        {
            var common = ResultType(inp[0], inp[1]);
            outp[0] = StridedMathElementwise.Binary(op, Operand(inp[0], op), Operand(inp[1], op), common, DType.Bool,
                (x, y) => f(x, y) ? 1 : 0, (x, y) => i(x, y) ? 1 : 0);
        };
        t.Add($"aten::{op}.Tensor", k);
        t.Add($"aten::{op}.Scalar", k);
    }

    private static OpKernel Logical(string op, Func<bool, bool, bool> f) => (inp, outp) =>
    {
        // Truthiness is "!= 0" in any dtype (NaN is true), so compare in double.
        outp[0] = StridedMathElementwise.Binary(op, inp[0].AsTensor, inp[1].AsTensor, DType.Float64, DType.Bool,
            (x, y) => f(x != 0, y != 0) ? 1 : 0, (x, y) => f(x != 0, y != 0) ? 1 : 0);
    };

    private static void Bitwise(KernelTable t, string op, string dunder, Func<long, long, long> f)
    {
        OpKernel k = (inp, outp) =>
        {
            Tensor a = Operand(inp[0], op), b = Operand(inp[1], op);
            var common = ResultType(inp[0], inp[1]);
            if (common.IsFloatingPoint()) throw NotImplemented(op, common);
            outp[0] = StridedMathElementwise.Binary(op, a, b, common, common, (_, _) => 0, f);
        };
        t.Add($"aten::{op}.Tensor", k);
        t.Add($"aten::{op}.Scalar", k);
        t.Add($"aten::{op}.Scalar_Tensor", k);
        t.Add($"aten::{dunder}.Tensor", k);
        t.Add($"aten::{dunder}.Scalar", k);
    }
}
