using Jit.Errors;
using Jit.Tensors;

namespace Jit.Runtime.Host;

/// <summary>
/// Math functions on Python numbers (the <c>.int</c>, <c>.float</c> and <c>.Scalar</c> overloads of
/// log1p, tan, erf, fmod, ...). The int/float overloads compute in double; the Scalar overloads of
/// the unary functions in float32, as PyTorch does. All return a float, except floor/ceil of a
/// Scalar, which give an int as math.floor does.
/// </summary>
internal static class ScalarMathKernels
{
    public static void Register(KernelTable t)
    {
        Unary(t, "aten::log1p", SpecialFunctions.Log1p, withIntFloat: true);
        Unary(t, "aten::expm1", SpecialFunctions.Expm1, withIntFloat: true);
        Unary(t, "aten::cos", Math.Cos, withIntFloat: true);
        Unary(t, "aten::tan", Math.Tan, withIntFloat: true);
        Unary(t, "aten::sin", Math.Sin, withIntFloat: true);
        Unary(t, "aten::tanh", Math.Tanh, withIntFloat: true);
        Unary(t, "aten::erf", SpecialFunctions.Erf, withIntFloat: true);
        // The .int/.float overloads of these are registered with the other number kernels.
        Unary(t, "aten::exp", Math.Exp, withIntFloat: false);
        Unary(t, "aten::sqrt", Math.Sqrt, withIntFloat: false);
        Unary(t, "aten::log", Math.Log, withIntFloat: false);
        Unary(t, "aten::log10", Math.Log10, withIntFloat: false);
        Unary(t, "aten::fabs", Math.Abs, withIntFloat: false);
        t.Add("aten::round.Scalar", (i, o) => o[0] = i[0].IsDouble ? PythonMath.Round(i[0].AsDouble) : (double)i[0].AsInt);
        t.Add("aten::floor.Scalar", (i, o) => o[0] = i[0].IsDouble ? PythonMath.ToInt(Math.Floor(i[0].AsDouble)) : i[0].AsInt);
        t.Add("aten::ceil.Scalar", (i, o) => o[0] = i[0].IsDouble ? PythonMath.ToInt(Math.Ceiling(i[0].AsDouble)) : i[0].AsInt);

        // log(a, b) is log(a) / log(b), in double, whatever the argument types.
        foreach (var suffix in new[] { ".int_int", ".float_float", ".int_float", ".float_int", ".Scalar_Scalar" })
            t.Add("aten::log" + suffix, (i, o) => o[0] = Math.Log(i[0].AsDouble) / Math.Log(i[1].AsDouble));

        // C's fmod: the result takes the dividend's sign; x fmod 0 is NaN (PyTorch converts to double first).
        foreach (var suffix in new[] { ".int", ".float", ".int_float", ".float_int", "" })
            t.Add("aten::fmod" + suffix, (i, o) => o[0] = CFmod(i[0].AsDouble, i[1].AsDouble));

        // PyTorch's pow.int_to_int pushes std::pow's double; a negative exponent of 0 is an error.
        t.Add("aten::pow.int_to_int", (i, o) =>
        {
            long a = i[0].AsInt, b = i[1].AsInt;
            if (a == 0 && b < 0) throw new JitRuntimeException("ZeroDivisionError: 0.0 cannot be raised to a negative power");
            o[0] = Math.Pow(a, b);
        });
    }

    private static double CFmod(double a, double b) => b == 0 ? double.NaN : a % b;

    private static void Unary(KernelTable t, string op, Func<double, double> f, bool withIntFloat)
    {
        if (withIntFloat)
        {
            t.Add(op + ".int", (i, o) => o[0] = f(i[0].AsDouble));
            t.Add(op + ".float", (i, o) => o[0] = f(i[0].AsDouble));
        }
        // PyTorch runs the Scalar overload as a 0-dim tensor of the default dtype: float32 precision.
        t.Add(op + ".Scalar", (i, o) => o[0] = (double)(float)f((float)i[0].AsDouble));
    }
}
