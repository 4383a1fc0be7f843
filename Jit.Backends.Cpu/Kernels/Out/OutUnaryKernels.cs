using System.Numerics;
using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Common.StridedMathFunctions;
using static Jit.Backends.Cpu.Kernels.Out.OutSupport;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// Out-variants of unary float ops. Each op is a struct, so the loop is specialized per op with no
/// delegate call, and computes in double then rounds, exactly as the ordinary kernels do (the
/// static runtime and the interpreter give bit-identical results for these).
/// </summary>
internal static class OutUnaryKernels
{

    private interface IMap { double Apply(double x); }

    private readonly struct Exp : IMap { public double Apply(double x) => Math.Exp(x); }
    private readonly struct Log : IMap { public double Apply(double x) => Math.Log(x); }
    private readonly struct Sqrt : IMap { public double Apply(double x) => Math.Sqrt(x); }
    private readonly struct Rsqrt : IMap { public double Apply(double x) => 1 / Math.Sqrt(x); }
    private readonly struct Sin : IMap { public double Apply(double x) => Math.Sin(x); }
    private readonly struct Cos : IMap { public double Apply(double x) => Math.Cos(x); }
    private readonly struct Neg : IExactMap
    {
        public double Apply(double x) => -x;
        public Vector<float> Apply(Vector<float> x) => -x;
    }
    private readonly struct Abs : IExactMap
    {
        public double Apply(double x) => Math.Abs(x);
        public Vector<float> Apply(Vector<float> x) => Vector.Abs(x);
    }
    /// <summary>An op exact in float32 (no rounding), so a float vector computes the same bits as the double path.</summary>
    private interface IExactMap : IMap { Vector<float> Apply(Vector<float> x); }

    // "x < 0 ? 0 : x" keeps NaN, as PyTorch's relu does.
    private readonly struct Relu : IExactMap
    {
        public double Apply(double x) => x < 0 ? 0 : x;
        public Vector<float> Apply(Vector<float> x) => Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero), Vector<float>.Zero, x);
    }
    // The ordinary kernels' formulas (ActivationKernels), in double.
    private readonly struct SoftplusOp(double beta, double threshold) : IMap { public double Apply(double x) => Softplus(x, beta, threshold); }
    private readonly struct LeakyRelu(double slope) : IMap { public double Apply(double x) => x > 0 ? x : x * slope; }
    private readonly struct Pow(double e) : IMap { public double Apply(double x) => Math.Pow(x, e); }
    // Clamp with number bounds; a NaN input stays NaN (the comparisons are false).
    private readonly struct ClampExact(float lo, float hi) : IExactMap
    {
        public double Apply(double v)
        {
            v = v < lo ? lo : v;
            return v > hi ? hi : v; // after the lower bound: lo > hi gives hi, as PyTorch
        }

        public Vector<float> Apply(Vector<float> v) => StridedMathFunctions.Clamp(v, lo, hi);
    }
    private readonly struct Clamp(double lo, double hi) : IMap
    {
        // Bounds already rounded to float32; NaN bounds win, a NaN input stays NaN (the kernel's rules).
        public double Apply(double v)
        {
            if (double.IsNaN(v)) return v;
            v = double.IsNaN(lo) ? lo : Math.Max(v, lo);
            return double.IsNaN(hi) ? hi : Math.Min(v, hi);
        }
    }

    public static void Register(KernelTable t)
    {
        Add(t, "aten::exp", (i, o) => Map(i[0], o, new Exp()));
        Add(t, "aten::log", (i, o) => Map(i[0], o, new Log()));
        Add(t, "aten::sqrt", (i, o) => Map(i[0], o, new Sqrt()));
        Add(t, "aten::rsqrt", (i, o) => Map(i[0], o, new Rsqrt()));
        Add(t, "aten::erf", (i, o) => MapVector(i[0], o, FloatVectorMaps.Op.Erf));
        Add(t, "aten::sin", (i, o) => Map(i[0], o, new Sin()));
        Add(t, "aten::cos", (i, o) => Map(i[0], o, new Cos()));
        Add(t, "aten::tanh", (i, o) => MapVector(i[0], o, FloatVectorMaps.Op.Tanh));
        Add(t, "aten::sigmoid", (i, o) => MapVector(i[0], o, FloatVectorMaps.Op.Sigmoid));
        Add(t, "aten::neg", (i, o) => MapExact(i[0], o, new Neg()));
        Add(t, "aten::abs", (i, o) => MapExact(i[0], o, new Abs()));
        Add(t, "aten::relu", (i, o) => MapExact(i[0], o, new Relu()));
        Add(t, "aten::silu", (i, o) => MapVector(i[0], o, FloatVectorMaps.Op.Silu));
        Add(t, "aten::gelu", (i, o) => i[1].AsString switch
        {
            "none" => MapVector(i[0], o, FloatVectorMaps.Op.GeluErf),
            "tanh" => MapVector(i[0], o, FloatVectorMaps.Op.GeluTanh),
            _ => false, // the kernel reports the bad argument
        });
        Add(t, "aten::hardswish", (i, o) => MapVector(i[0], o, FloatVectorMaps.Op.Hardswish));
        Add(t, "aten::hardsigmoid", (i, o) => MapVector(i[0], o, FloatVectorMaps.Op.Hardsigmoid));
        Add(t, "aten::softplus", (i, o) => Map(i[0], o, new SoftplusOp(i[1].AsDouble, i[2].AsDouble)));
        Add(t, "aten::leaky_relu", (i, o) => Map(i[0], o, new LeakyRelu(i[1].AsDouble)));
        Add(t, "aten::pow.Tensor_Scalar", (i, o) => i[1].IsDouble || i[1].IsInt ? Map(i[0], o, new Pow(i[1].AsDouble)) : false);
        Add(t, "aten::clamp", (i, o) => ClampBounds(i[1], i[2], round: true, out double lo, out double hi) && MapClamp(i[0], o, lo, hi));
        Add(t, "aten::hardtanh", (i, o) => ClampBounds(i[1], i[2], round: false, out double lo, out double hi) && MapClamp(i[0], o, lo, hi));
    }

    // Bounds that are numbers clamp float32 vectors exactly (StridedMathFunctions.Clamp); NaN bounds take the double rule.
    private static bool MapClamp(IValue input, Tensor output, double lo, double hi) =>
        double.IsNaN(lo) || double.IsNaN(hi) ? Map(input, output, new Clamp(lo, hi)) : MapExact(input, output, new ClampExact((float)lo, (float)hi));

    // clamp casts its bounds to the tensor's dtype first (type promotion); hardtanh compares in double.
    private static bool ClampBounds(IValue min, IValue max, bool round, out double lo, out double hi)
    {
        lo = double.NegativeInfinity;
        hi = double.PositiveInfinity;
        if (min.IsNone && max.IsNone) return false;
        if (!(min.IsNone || min.IsDouble || min.IsInt) || !(max.IsNone || max.IsDouble || max.IsInt)) return false;
        if (!min.IsNone) lo = round ? (float)min.AsDouble : min.AsDouble;
        if (!max.IsNone) hi = round ? (float)max.AsDouble : max.AsDouble;
        return true;
    }

    private static bool MapExact<TOp>(IValue input, Tensor output, TOp op) where TOp : struct, IExactMap
    {
        var x = input.AsTensor;
        if (!IsF32(x) || !IsF32(output) || !x.Sizes.SequenceEqual(output.Sizes)) return false;
        var xs = F32(x);
        var ys = F32(output);
        int k = 0;
        for (; k + Vector<float>.Count <= ys.Length; k += Vector<float>.Count)
            op.Apply(new Vector<float>(xs.Slice(k))).CopyTo(ys.Slice(k));
        for (; k < ys.Length; k++) ys[k] = (float)op.Apply(xs[k]);
        return true;
    }

    // float32 of any layout with the vector math the ordinary kernel uses too; false (the ordinary kernel runs) otherwise.
    private static bool MapVector(IValue input, Tensor output, FloatVectorMaps.Op op)
    {
        var x = input.AsTensor;
        if (!FloatVectorMaps.Applies(x, output)) return false;
        FloatVectorMaps.Apply(op, x, output);
        return true;
    }

    private static bool Map<TOp>(IValue input, Tensor output, TOp op) where TOp : struct, IMap
    {
        var x = input.AsTensor;
        if (!IsF32(x) || !IsF32(output) || !x.Sizes.SequenceEqual(output.Sizes)) return false;
        var xs = F32(x);
        var ys = F32(output);
        for (int k = 0; k < ys.Length; k++) ys[k] = (float)op.Apply(xs[k]);
        return true;
    }
}
