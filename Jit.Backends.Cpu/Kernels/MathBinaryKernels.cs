using System.Numerics;
using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Common.StridedMathArgs;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>Binary arithmetic with broadcasting and type promotion: add, sub, rsub, mul, div, remainder, floor_divide, pow, maximum/minimum.</summary>
internal static class MathBinaryKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::add.Tensor", AddSub("add", 1));
        t.Add("aten::add.Scalar", AddSub("add", 1));
        t.Add("aten::sub.Tensor", AddSub("sub", -1));
        t.Add("aten::sub.Scalar", AddSub("sub", -1));
        t.Add("aten::rsub.Tensor", AddSub("rsub", -1, reversed: true));
        t.Add("aten::rsub.Scalar", AddSub("rsub", -1, reversed: true));
        t.Add("aten::mul.Tensor", Simple("mul", (x, y) => x * y, (x, y) => unchecked(x * y), (x, y) => x * y, ZipOp.Mul));
        t.Add("aten::mul.Scalar", Simple("mul", (x, y) => x * y, (x, y) => unchecked(x * y), (x, y) => x * y, ZipOp.Mul));
        t.Add("aten::div.Tensor", (i, o) => o[0] = Div("div", i[0], i[1], null));
        t.Add("aten::div.Scalar", (i, o) => o[0] = Div("div", i[0], i[1], null));
        t.Add("aten::div.Tensor_mode", (i, o) => o[0] = Div("div", i[0], i[1], OptString(i[2])));
        t.Add("aten::div.Scalar_mode", (i, o) => o[0] = Div("div", i[0], i[1], OptString(i[2])));
        t.Add("aten::floor_divide", (i, o) => o[0] = Div("floor_divide", i[0], i[1], "floor"));
        t.Add("aten::floor_divide.Scalar", (i, o) => o[0] = Div("floor_divide", i[0], i[1], "floor"));
        foreach (var name in new[] { "aten::remainder.Tensor", "aten::remainder.Scalar", "aten::remainder.Scalar_Tensor" })
            t.Add(name, Simple("remainder", FloatRemainder, (x, y) => IntRemainder("remainder", x, y)));
        t.Add("aten::pow.Tensor_Tensor", Simple("pow", Math.Pow, IntPow));
        t.Add("aten::pow.Scalar", Simple("pow", Math.Pow, IntPow));
        t.Add("aten::pow.Tensor_Scalar", PowTensorScalar);
        foreach (var name in new[] { "aten::maximum", "aten::max.other" })
            t.Add(name, Simple("maximum", (x, y) => double.IsNaN(x) || double.IsNaN(y) ? double.NaN : Math.Max(x, y), Math.Max));
        foreach (var name in new[] { "aten::minimum", "aten::min.other" })
            t.Add(name, Simple("minimum", (x, y) => double.IsNaN(x) || double.IsNaN(y) ? double.NaN : Math.Min(x, y), Math.Min));
    }

    /// <summary>An op whose result dtype is the promoted dtype of its two operands.</summary>
    private static OpKernel Simple(string op, Func<double, double, double> f, Func<long, long, long> i,
        Func<Vector<float>, Vector<float>, Vector<float>>? vf = null, ZipOp? zip = null) => (inp, outp) =>
    {
        var common = ResultType(inp[0], inp[1]);
        outp[0] = StridedMathElementwise.Binary(op, Operand(inp[0], op), Operand(inp[1], op), common, common, f, i, vf, zip);
    };

    /// <summary>a + sign * alpha * b; rsub (<c>1 - x</c> in scripts) is other - alpha * self, so its operands swap.</summary>
    private static OpKernel AddSub(string op, int sign, bool reversed = false) => (inp, outp) =>
    {
        IValue a = reversed ? inp[1] : inp[0], b = reversed ? inp[0] : inp[1], alpha = inp[2];
        var common = ResultType(a, b);
        if (sign < 0 && (Operand(a, op).DType == DType.Bool || Operand(b, op).DType == DType.Bool))
            throw new JitTypeException("sub: subtraction, the `-` operator, with a bool tensor is not supported; use `^` / logical_xor() or `~` / logical_not() instead");
        if (common.IsIntegral(includeBool: true) && alpha.IsDouble)
            throw new JitTypeException($"{op}: for integral input tensors, argument alpha must not be a floating point number");
        if (common != DType.Bool && alpha.IsBool)
            throw new JitTypeException($"{op}: boolean alpha is only supported for boolean results");
        double ad = alpha.AsDouble * sign;
        long al = alpha.IsDouble ? 0 : alpha.AsInt * sign;
        Func<Vector<float>, Vector<float>, Vector<float>> vf = ad switch
        {
            1 => (x, y) => x + y,
            -1 => (x, y) => x - y,
            _ => (x, y) => x + y * (float)ad,
        };
        outp[0] = StridedMathElementwise.Binary(op, Operand(a, op), Operand(b, op), common, common,
            (x, y) => x + ad * y, (x, y) => unchecked(x + al * y), vf, ad switch { 1 => ZipOp.Add, -1 => ZipOp.Sub, _ => null });
    };

    /// <summary>div with rounding_mode None (true division: integers give float32), "trunc" or "floor".</summary>
    public static Tensor Div(string op, IValue a, IValue b, string? mode)
    {
        var common = ResultType(a, b);
        Tensor x = Operand(a, op), y = Operand(b, op);
        switch (mode)
        {
            case null:
                {
                    var compute = common.IsFloatingPoint() ? common : DType.Float32;
                    return StridedMathElementwise.Binary(op, x, y, compute, compute, (p, q) => p / q, (_, _) => 0, (p, q) => p / q, ZipOp.Div);
                }
            case "trunc":
                return StridedMathElementwise.Binary(op, x, y, common, common,
                    (p, q) => Math.Truncate(p / q),
                    (p, q) => q == 0 ? throw StridedMathElementwise.ZeroDivision(op) : q == -1 ? unchecked(-p) : p / q);
            case "floor":
                return StridedMathElementwise.Binary(op, x, y, common, common, FloatFloorDivide, (p, q) => IntFloorDivide(op, p, q));
            default:
                throw new JitRuntimeException($"{op}: expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'");
        }
    }

    private static void PowTensorScalar(ReadOnlySpan<IValue> inp, Span<IValue> outp)
    {
        var common = ResultType(inp[0], inp[1]);
        if (!common.IsFloatingPoint() && inp[1].IsInt && inp[1].AsInt < 0)
            throw new JitRuntimeException("pow: integers to negative integer powers are not allowed");
        outp[0] = StridedMathElementwise.Binary("pow", inp[0].AsTensor, ScalarTensor(inp[1], "pow"), common, common, Math.Pow, IntPow);
    }

    /// <summary>Floor division of floats exactly as PyTorch's div_floor_floating (fmod based, so it agrees with remainder).</summary>
    internal static double FloatFloorDivide(double a, double b)
    {
        if (b == 0) return a / b;
        double mod = a % b;
        double div = (a - mod) / b;
        if (mod != 0 && (b < 0) != (mod < 0)) div -= 1;
        if (div == 0) return Math.CopySign(0, a / b);
        double floordiv = Math.Floor(div);
        if (div - floordiv > 0.5) floordiv += 1;
        return floordiv;
    }

    internal static long IntFloorDivide(string op, long a, long b)
    {
        if (b == 0) throw StridedMathElementwise.ZeroDivision(op);
        if (b == -1) return unchecked(-a);
        long q = a / b;
        if (a % b != 0 && (a < 0) != (b < 0)) q--;
        return q;
    }

    /// <summary>Python-style remainder: the result has the divisor's sign.</summary>
    internal static double FloatRemainder(double a, double b)
    {
        double mod = a % b;
        if (mod != 0 && (b < 0) != (mod < 0)) mod += b;
        return mod;
    }

    internal static long IntRemainder(string op, long a, long b)
    {
        if (b == 0) throw StridedMathElementwise.ZeroDivision(op);
        if (b == -1) return 0;
        long r = a % b;
        if (r != 0 && (r < 0) != (b < 0)) r += b;
        return r;
    }

    /// <summary>Integer power by squaring; negative exponents give 0 except for bases ±1 (PyTorch's powi).</summary>
    private static long IntPow(long a, long b)
    {
        if (b < 0)
        {
            if (a == 1) return 1;
            if (a == -1) return (b & 1) == 0 ? 1 : -1;
            return 0;
        }
        long r = 1;
        while (b > 0)
        {
            if ((b & 1) != 0) r = unchecked(r * a);
            a = unchecked(a * a);
            b >>= 1;
        }
        return r;
    }
}
