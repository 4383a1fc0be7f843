using System.Numerics;
using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Common.StridedMathFunctions;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>Activation functions. All but relu and hardtanh accept only floating inputs, as PyTorch's CPU kernels do.</summary>
internal static class ActivationKernels
{
    private static readonly double Sqrt2 = Math.Sqrt(2);
    private static readonly double Sqrt2OverPi = Math.Sqrt(2 / Math.PI);

    public static void Register(KernelTable t)
    {
        t.Add("aten::relu", (i, o) => o[0] = Relu(i[0].AsTensor));
        t.Add("aten::gelu", (i, o) => o[0] = Gelu(i[0].AsTensor, i[1].AsString));
        t.Add("aten::silu", (i, o) => o[0] = FloatVectorMaps.Applies(i[0].AsTensor)
            ? FloatVectorMaps.Apply(FloatVectorMaps.Op.Silu, i[0].AsTensor)
            : FloatOnly("silu", i[0].AsTensor, x => x * Sigmoid(x)));
        t.Add("aten::mish", (i, o) => o[0] = FloatOnly("mish", i[0].AsTensor, x => x * Math.Tanh(Softplus(x, 1, 20))));
        t.Add("aten::softplus", (i, o) =>
        {
            double beta = i[1].AsDouble, threshold = i[2].AsDouble;
            o[0] = FloatOnly("softplus", i[0].AsTensor, x => Softplus(x, beta, threshold));
        });
        t.Add("aten::leaky_relu", (i, o) =>
        {
            double slope = i[1].AsDouble;
            o[0] = FloatOnly("leaky_relu", i[0].AsTensor, x => x > 0 ? x : x * slope);
        });
        t.Add("aten::elu", (i, o) =>
        {
            double alpha = i[1].AsDouble, scale = i[2].AsDouble, inputScale = i[3].AsDouble;
            o[0] = FloatOnly("elu", i[0].AsTensor, x => x > 0 ? x * scale : alpha * scale * Expm1(x * inputScale));
        });
        t.Add("aten::hardswish", (i, o) => o[0] = FloatVectorMaps.Applies(i[0].AsTensor)
            ? FloatVectorMaps.Apply(FloatVectorMaps.Op.Hardswish, i[0].AsTensor)
            : FloatOnly("hardswish", i[0].AsTensor, x => x * Math.Min(Math.Max(x + 3, 0), 6) / 6));
        t.Add("aten::hardsigmoid", (i, o) => o[0] = FloatVectorMaps.Applies(i[0].AsTensor)
            ? FloatVectorMaps.Apply(FloatVectorMaps.Op.Hardsigmoid, i[0].AsTensor)
            : FloatOnly("hardsigmoid", i[0].AsTensor, x => Math.Min(Math.Max(x + 3, 0), 6) / 6));
        t.Add("aten::hardtanh", (i, o) =>
        {
            var x = i[0].AsTensor;
            if (x.DType == DType.Bool) throw StridedMathArgs.NotImplemented("hardtanh", x.DType);
            double lo = i[1].AsDouble, hi = i[2].AsDouble;
            float flo = (float)lo, fhi = (float)hi;
            o[0] = StridedMathElementwise.Unary(x, x.DType, x.DType,
                v => double.IsNaN(v) ? v : Math.Min(Math.Max(v, lo), hi),
                v => (long)Math.Min(Math.Max(v, lo), hi),
                double.IsNaN(lo) || double.IsNaN(hi) ? null : v => Clamp(v, flo, fhi));
        });
    }

    internal static Tensor Relu(Tensor x)
    {
        if (x.DType == DType.Bool) throw StridedMathArgs.NotImplemented("relu", x.DType);
        // "x < 0 ? 0 : x" keeps NaN, as PyTorch's relu does.
        return StridedMathElementwise.Unary(x, x.DType, x.DType, v => v < 0 ? 0 : v, v => v > 0 ? v : 0,
            v => Vector.ConditionalSelect(Vector.LessThan(v, Vector<float>.Zero), Vector<float>.Zero, v));
    }

    internal static Tensor Gelu(Tensor x, string approximate)
    {
        Func<double, double> f = approximate switch
        {
            "none" => GeluErf,
            "tanh" => v => 0.5 * v * (1 + Math.Tanh(Sqrt2OverPi * (v + 0.044715 * v * v * v))),
            _ => throw new JitRuntimeException($"gelu: approximate argument must be either none or tanh, got '{approximate}'"),
        };
        if (FloatVectorMaps.Applies(x)) return FloatVectorMaps.Apply(approximate == "none" ? FloatVectorMaps.Op.GeluErf : FloatVectorMaps.Op.GeluTanh, x);
        return FloatOnly("gelu", x, f);
    }

    /// <summary>gelu(v) with approximate="none": v·Φ(v), Φ by erf. The fused encoder layer applies it too.</summary>
    internal static double GeluErf(double v) => 0.5 * v * (1 + Erf(v / Sqrt2));

    private static Tensor FloatOnly(string op, Tensor x, Func<double, double> f)
    {
        if (!x.DType.IsFloatingPoint()) throw StridedMathArgs.NotImplemented(op, x.DType);
        return StridedMathElementwise.Unary(x, x.DType, x.DType, f, v => v);
    }
}
