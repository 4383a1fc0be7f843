using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Common.StridedMathFunctions;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// Unary math. "Floating" ops (exp, log, sqrt, ...) turn integer and bool inputs into float32, as
/// PyTorch's unary float ops do; "integral-preserving" ops (neg, abs, sign, floor, ...) keep the dtype.
/// </summary>
internal static class MathUnaryKernels
{
    public static void Register(KernelTable t)
    {
        Floating(t, "exp", Math.Exp);
        Floating(t, "log", Math.Log);
        Floating(t, "log1p", Log1p);
        Floating(t, "expm1", Expm1);
        Floating(t, "sqrt", Math.Sqrt);
        Floating(t, "rsqrt", x => 1 / Math.Sqrt(x));
        Floating(t, "erf", Erf, FloatVectorMaps.Op.Erf);
        Floating(t, "sin", Math.Sin);
        Floating(t, "cos", Math.Cos);
        Floating(t, "reciprocal", x => 1 / x);
        Floating(t, "sigmoid", Sigmoid, FloatVectorMaps.Op.Sigmoid);
        Floating(t, "tanh", Math.Tanh, FloatVectorMaps.Op.Tanh);

        t.Add("aten::neg", (i, o) =>
        {
            var x = i[0].AsTensor;
            if (x.DType == DType.Bool)
                throw new JitTypeException("neg: negation, the `-` operator, on a bool tensor is not supported; use `~` or logical_not() instead");
            o[0] = StridedMathElementwise.Unary(x, x.DType, x.DType, v => -v, v => unchecked(-v));
        });
        Integral(t, "abs", Math.Abs, v => v < 0 ? unchecked(-v) : v, allowBool: false);
        Integral(t, "sign", x => double.IsNaN(x) ? 0 : Math.Sign(x), v => Math.Sign(v), allowBool: true);
        Integral(t, "floor", Math.Floor, v => v, allowBool: false);
        Integral(t, "ceil", Math.Ceiling, v => v, allowBool: false);
        Integral(t, "round", RoundEven, v => v, allowBool: false);
        t.Add("aten::round.decimals", (i, o) =>
        {
            var x = i[0].AsTensor;
            long decimals = i[1].AsInt;
            if (!x.DType.IsFloatingPoint())
            {
                if (decimals != 0) throw new JitTypeException("round: round_ with decimals is only supported for floating point tensors");
                if (x.DType == DType.Bool) throw StridedMathArgs.NotImplemented("round", x.DType);
            }
            o[0] = StridedMathElementwise.Unary(x, x.DType, x.DType, v => RoundDecimals(v, decimals), v => v);
        });
    }

    // vector: the float32 path of FloatVectorMaps, where the op has one.
    internal static void Floating(KernelTable t, string op, Func<double, double> f, FloatVectorMaps.Op? vector = null)
    {
        t.Add("aten::" + op, (i, o) =>
        {
            var x = i[0].AsTensor;
            if (vector is { } v && FloatVectorMaps.Applies(x))
            {
                o[0] = FloatVectorMaps.Apply(v, x);
                return;
            }
            var dt = x.DType.IsFloatingPoint() ? x.DType : DType.Float32;
            o[0] = StridedMathElementwise.Unary(x, dt, dt, f, v => v);
        });
    }

    private static void Integral(KernelTable t, string op, Func<double, double> f, Func<long, long> i, bool allowBool)
    {
        t.Add("aten::" + op, (inp, o) =>
        {
            var x = inp[0].AsTensor;
            if (x.DType == DType.Bool && !allowBool) throw StridedMathArgs.NotImplemented(op, x.DType);
            o[0] = StridedMathElementwise.Unary(x, x.DType, x.DType, f, i);
        });
    }
}
