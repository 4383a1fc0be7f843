using Jit.Errors;

namespace Jit.Runtime.Host;

/// <summary>Arithmetic, comparisons and math functions on Python ints, floats and bools.</summary>
internal static class ScalarKernels
{
    public static void Register(KernelTable t)
    {
        Arithmetic(t, "aten::add", (a, b) => unchecked(a + b), (a, b) => a + b);
        Arithmetic(t, "aten::sub", (a, b) => unchecked(a - b), (a, b) => a - b);
        Arithmetic(t, "aten::mul", (a, b) => unchecked(a * b), (a, b) => a * b);
        Arithmetic(t, "aten::floordiv", PythonMath.FloorDiv, PythonMath.FloorDiv);
        Arithmetic(t, "aten::remainder", PythonMath.Mod, PythonMath.Mod);
        Arithmetic(t, "prim::min", Math.Min, MinFloat);
        Arithmetic(t, "prim::max", Math.Max, MaxFloat);

        // True division and pow of numbers always give a float in TorchScript.
        FloatResult(t, "aten::div", PythonMath.TrueDiv, ".int", ".float");
        FloatResult(t, "aten::pow", Pow, ".int", ".float", ".int_float", ".float_int");
        t.Add("aten::div", (i, o) => o[0] = PythonMath.TrueDiv(i[0].AsDouble, i[1].AsDouble));
        t.Add("aten::pow.Scalar_Scalar", (i, o) => o[0] = Pow(i[0].AsDouble, i[1].AsDouble));

        Comparison(t, "aten::eq", c => c == 0, (a, b) => a == b);
        Comparison(t, "aten::ne", c => c != 0, (a, b) => a != b);
        Comparison(t, "aten::lt", c => c < 0, (a, b) => a < b);
        Comparison(t, "aten::le", c => c <= 0, (a, b) => a <= b);
        Comparison(t, "aten::gt", c => c > 0, (a, b) => a > b);
        Comparison(t, "aten::ge", c => c >= 0, (a, b) => a >= b);
        t.Add("aten::eq.bool", (i, o) => o[0] = i[0].AsBool == i[1].AsBool);
        t.Add("aten::ne.bool", (i, o) => o[0] = i[0].AsBool != i[1].AsBool);

        t.Add("aten::__and__.bool", (i, o) => o[0] = i[0].AsBool & i[1].AsBool);
        t.Add("aten::__or__.bool", (i, o) => o[0] = i[0].AsBool | i[1].AsBool);
        t.Add("aten::__xor__.bool", (i, o) => o[0] = i[0].AsBool ^ i[1].AsBool);
        t.Add("aten::__and__.int", (i, o) => o[0] = i[0].AsInt & i[1].AsInt);
        t.Add("aten::__or__.int", (i, o) => o[0] = i[0].AsInt | i[1].AsInt);
        t.Add("aten::__xor__.int", (i, o) => o[0] = i[0].AsInt ^ i[1].AsInt);
        t.Add("aten::__not__", (i, o) => o[0] = !i[0].AsBool);

        t.Add("aten::neg.int", (i, o) => o[0] = unchecked(-i[0].AsInt));
        t.Add("aten::neg.float", (i, o) => o[0] = -i[0].AsDouble);
        t.Add("aten::neg.Scalar", (i, o) => o[0] = i[0].IsDouble ? IValue.FromDouble(-i[0].AsDouble) : IValue.FromInt(unchecked(-i[0].AsInt)));
        t.Add("prim::abs.int", (i, o) => o[0] = Math.Abs(i[0].AsInt));
        t.Add("prim::abs.float", (i, o) => o[0] = Math.Abs(i[0].AsDouble));
        t.Add("prim::abs.Scalar", (i, o) => o[0] = i[0].IsDouble ? IValue.FromDouble(Math.Abs(i[0].AsDouble)) : IValue.FromInt(Math.Abs(i[0].AsInt)));

        t.Add("aten::floor.int", (i, o) => o[0] = i[0].AsInt);
        t.Add("aten::floor.float", (i, o) => o[0] = PythonMath.ToInt(Math.Floor(i[0].AsDouble)));
        t.Add("aten::ceil.int", (i, o) => o[0] = i[0].AsInt);
        t.Add("aten::ceil.float", (i, o) => o[0] = PythonMath.ToInt(Math.Ceiling(i[0].AsDouble)));
        t.Add("aten::round.int", (i, o) => o[0] = (double)i[0].AsInt);
        t.Add("aten::round.float", (i, o) => o[0] = PythonMath.Round(i[0].AsDouble));
        FloatFunction(t, "aten::sqrt", Math.Sqrt);
        FloatFunction(t, "aten::exp", Math.Exp);
        FloatFunction(t, "aten::log", Math.Log);
        FloatFunction(t, "aten::log10", Math.Log10);
        FloatFunction(t, "aten::fabs", Math.Abs);
        t.Add("aten::__range_length", (i, o) => o[0] = RangeLength(i[0].AsInt, i[1].AsInt, i[2].AsInt));
        t.Add("aten::__derive_index", (i, o) => o[0] = unchecked(i[1].AsInt + i[0].AsInt * i[2].AsInt));
    }

    private static double MinFloat(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Min(a, b);
    private static double MaxFloat(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b);

    private static double Pow(double a, double b)
    {
        if (a == 0 && b < 0) throw new JitRuntimeException("ZeroDivisionError: 0.0 cannot be raised to a negative power");
        return Math.Pow(a, b);
    }

    private static long RangeLength(long lo, long hi, long step)
    {
        if (step == 0) throw new JitRuntimeException("range() arg 3 must not be zero");
        if (step > 0 && lo < hi) return 1 + (hi - 1 - lo) / step;
        if (step < 0 && lo > hi) return 1 + (lo - 1 - hi) / (-step);
        return 0;
    }

    // The int, float, int_float, float_int overloads and the generic Scalar one.
    private static void Arithmetic(KernelTable t, string op, Func<long, long, long> onInts, Func<double, double, double> onFloats)
    {
        t.Add(op + ".int", (i, o) => o[0] = onInts(i[0].AsInt, i[1].AsInt));
        t.Add(op + ".float", (i, o) => o[0] = onFloats(i[0].AsDouble, i[1].AsDouble));
        t.Add(op + ".int_float", (i, o) => o[0] = onFloats(i[0].AsDouble, i[1].AsDouble));
        t.Add(op + ".float_int", (i, o) => o[0] = onFloats(i[0].AsDouble, i[1].AsDouble));
        t.Add(op, (i, o) => o[0] = i[0].IsDouble || i[1].IsDouble
            ? IValue.FromDouble(onFloats(i[0].AsDouble, i[1].AsDouble))
            : IValue.FromInt(onInts(i[0].AsInt, i[1].AsInt)));
    }

    private static void FloatResult(KernelTable t, string op, Func<double, double, double> f, params string[] suffixes)
    {
        foreach (var suffix in suffixes)
            t.Add(op + suffix, (i, o) => o[0] = f(i[0].AsDouble, i[1].AsDouble));
    }

    private static void FloatFunction(KernelTable t, string op, Func<double, double> f)
    {
        t.Add(op + ".int", (i, o) => o[0] = f(i[0].AsDouble));
        t.Add(op + ".float", (i, o) => o[0] = f(i[0].AsDouble));
    }

    private static void Comparison(KernelTable t, string op, Func<int, bool> onCompare, Func<double, double, bool> onFloats)
    {
        t.Add(op + ".int", (i, o) => o[0] = onCompare(i[0].AsInt.CompareTo(i[1].AsInt)));
        t.Add(op + ".float", (i, o) => o[0] = onFloats(i[0].AsDouble, i[1].AsDouble));
        t.Add(op + ".int_float", (i, o) => o[0] = onFloats(i[0].AsDouble, i[1].AsDouble));
        t.Add(op + ".float_int", (i, o) => o[0] = onFloats(i[0].AsDouble, i[1].AsDouble));
        t.Add(op + ".str", (i, o) => o[0] = onCompare(string.CompareOrdinal(i[0].AsString, i[1].AsString)));
        t.Add(op, (i, o) => o[0] = i[0].IsDouble || i[1].IsDouble
            ? onFloats(i[0].AsDouble, i[1].AsDouble)
            : onCompare(i[0].AsInt.CompareTo(i[1].AsInt)));
    }
}
