using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Common.StridedMathArgs;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>Comparisons (to bool), logical and bitwise ops. Operands compare in their promoted dtype, as PyTorch does.</summary>
internal static class MathComparisonKernels
{
    /// <summary>The comparisons, on doubles and on longs, giving 1 or 0 (their out-variants share them).</summary>
    internal static readonly (string Op, Func<double, double, double> F, Func<long, long, long> I)[] Comparisons =
    [
        ("eq", (x, y) => x == y ? 1 : 0, (x, y) => x == y ? 1 : 0),
        ("ne", (x, y) => x != y ? 1 : 0, (x, y) => x != y ? 1 : 0),
        ("lt", (x, y) => x < y ? 1 : 0, (x, y) => x < y ? 1 : 0),
        ("le", (x, y) => x <= y ? 1 : 0, (x, y) => x <= y ? 1 : 0),
        ("gt", (x, y) => x > y ? 1 : 0, (x, y) => x > y ? 1 : 0),
        ("ge", (x, y) => x >= y ? 1 : 0, (x, y) => x >= y ? 1 : 0),
    ];

    /// <summary>The bitwise ops on integers and bool, by name and Python dunder name (shared with their out-variants).</summary>
    internal static readonly (string Op, string Dunder, Func<long, long, long> I)[] Bitwise =
    [
        ("bitwise_and", "__and__", (x, y) => x & y),
        ("bitwise_or", "__or__", (x, y) => x | y),
        ("bitwise_xor", "__xor__", (x, y) => x ^ y),
    ];

    /// <summary>The overloads each bitwise op is registered under.</summary>
    internal static string[] BitwiseOverloads(string op, string dunder) =>
        [$"aten::{op}.Tensor", $"aten::{op}.Scalar", $"aten::{op}.Scalar_Tensor", $"aten::{dunder}.Tensor", $"aten::{dunder}.Scalar"];

    public static void Register(KernelTable t)
    {
        foreach (var (op, f, i) in Comparisons) Compare(t, op, f, i);

        t.Add("aten::logical_and", Logical("logical_and", (x, y) => x && y));
        t.Add("aten::logical_or", Logical("logical_or", (x, y) => x || y));
        t.Add("aten::logical_xor", Logical("logical_xor", (x, y) => x != y));
        t.Add("aten::logical_not", (i, o) =>
            o[0] = StridedMathElementwise.Unary(i[0].AsTensor, DType.Float64, DType.Bool, x => x == 0 ? 1 : 0, x => x == 0 ? 1 : 0));

        foreach (var (op, dunder, i) in Bitwise) AddBitwise(t, op, dunder, i);
        t.Add("aten::bitwise_not", (i, o) =>
        {
            var x = i[0].AsTensor;
            if (x.DType.IsFloatingPoint()) throw NotImplemented("bitwise_not", x.DType);
            o[0] = x.DType == DType.Bool
                ? StridedMathElementwise.Unary(x, DType.Bool, DType.Bool, _ => 0, v => v == 0 ? 1 : 0)
                : StridedMathElementwise.Unary(x, x.DType, x.DType, _ => 0, v => ~v);
        });
    }

    private static void Compare(KernelTable t, string op, Func<double, double, double> f, Func<long, long, long> i)
    {
        OpKernel k = (inp, outp) =>
        {
            var common = ResultType(inp[0], inp[1]);
            outp[0] = StridedMathElementwise.Binary(op, Operand(inp[0], op), Operand(inp[1], op), common, DType.Bool, f, i);
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

    private static void AddBitwise(KernelTable t, string op, string dunder, Func<long, long, long> f)
    {
        OpKernel k = (inp, outp) =>
        {
            Tensor a = Operand(inp[0], op), b = Operand(inp[1], op);
            var common = ResultType(inp[0], inp[1]);
            if (common.IsFloatingPoint()) throw NotImplemented(op, common);
            outp[0] = StridedMathElementwise.Binary(op, a, b, common, common, (_, _) => 0, f);
        };
        foreach (var name in BitwiseOverloads(op, dunder)) t.Add(name, k);
    }
}
