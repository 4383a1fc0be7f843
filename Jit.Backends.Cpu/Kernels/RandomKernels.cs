using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// Random sampling (the registry's random group). A deterministic runtime still has to run them,
/// so they draw from one generator owned by the CPU backend, seeded with a fixed seed (reseed it
/// with <see cref="CpuBackend.ManualSeed"/>). The values are not PyTorch's: its Philox/MT19937
/// streams are not reproduced, only the distributions and the argument checks. A
/// <c>Generator</c> argument must be None (there are no generator objects to pass).
/// </summary>
internal static class RandomKernels
{
    private static readonly object Gate = new();
    private static Random _generator = new(0);

    public static void Seed(int seed)
    {
        lock (Gate) _generator = new Random(seed);
    }

    public static void Register(KernelTable t)
    {
        t.Add("aten::rand", (i, o) => o[0] = Floats(CreationKernels.Size(i[0], "aten::rand"), Float(i[1], DType.Float32, "aten::rand"), Uniform(0, 1)));
        t.Add("aten::randn", (i, o) => o[0] = Floats(CreationKernels.Size(i[0], "aten::randn"), Float(i[1], DType.Float32, "aten::randn"), Normal(0, 1)));
        t.Add("aten::rand_like", (i, o) => o[0] = Floats(i[0].AsTensor.SizesArray(), Float(i[1], i[0].AsTensor.DType, "aten::rand_like"), Uniform(0, 1)));
        t.Add("aten::randn_like", (i, o) => o[0] = Floats(i[0].AsTensor.SizesArray(), Float(i[1], i[0].AsTensor.DType, "aten::randn_like"), Normal(0, 1)));
        t.Add("aten::randint", (i, o) => o[0] = Integers(0, i[0].AsInt, CreationKernels.Size(i[1], "aten::randint"), i[2], "aten::randint"));
        t.Add("aten::randint.low", (i, o) => o[0] = Integers(i[0].AsInt, i[1].AsInt, CreationKernels.Size(i[2], "aten::randint"), i[3], "aten::randint"));
        t.Add("aten::bernoulli", (i, o) =>
        {
            NoGenerator(i[1], "aten::bernoulli");
            var self = i[0].AsTensor;
            if (!self.DType.IsFloatingPoint()) throw new JitTypeException($"aten::bernoulli: the probabilities must be a floating tensor, got {self.DType.PythonName()}");
            o[0] = Bernoulli(self.SizesArray(), self.DType, Probabilities(self, self.SizesArray(), "aten::bernoulli"));
        });
        t.Add("aten::bernoulli.p", (i, o) =>
        {
            NoGenerator(i[2], "aten::bernoulli");
            var self = i[0].AsTensor;
            o[0] = Bernoulli(self.SizesArray(), self.DType, Constant(self.NumElements, Probability(i[1].AsDouble, "aten::bernoulli")));
        });
        t.Add("aten::bernoulli_.float", (i, o) =>
        {
            NoGenerator(i[2], "aten::bernoulli_");
            var self = i[0].AsTensor;
            Write(self, Bernoulli(self.SizesArray(), self.DType, Constant(self.NumElements, Probability(i[1].AsDouble, "aten::bernoulli_"))));
            o[0] = i[0];
        });
        t.Add("aten::bernoulli_.Tensor", (i, o) =>
        {
            NoGenerator(i[2], "aten::bernoulli_");
            var self = i[0].AsTensor;
            var p = Probabilities(i[1].AsTensor, self.SizesArray(), "aten::bernoulli_");
            Write(self, Bernoulli(self.SizesArray(), self.DType, p));
            o[0] = i[0];
        });
        t.Add("aten::uniform_", (i, o) =>
        {
            NoGenerator(i[3], "aten::uniform_");
            double from = i[1].AsDouble, to = i[2].AsDouble;
            if (!(from <= to)) throw new JitRuntimeException($"aten::uniform_: expects from <= to, but got from={from} > to={to}");
            FillFloats(i[0].AsTensor, Uniform(from, to), "aten::uniform_");
            o[0] = i[0];
        });
        t.Add("aten::normal_", (i, o) =>
        {
            NoGenerator(i[3], "aten::normal_");
            double std = i[2].AsDouble;
            if (!(std >= 0)) throw new JitRuntimeException($"aten::normal_: expects std >= 0.0, but found std {std}");
            FillFloats(i[0].AsTensor, Normal(i[1].AsDouble, std), "aten::normal_");
            o[0] = i[0];
        });
    }

    private static Func<Random, double> Uniform(double from, double to) => g => from + (to - from) * g.NextDouble();

    // Box-Muller; 1 - NextDouble() lies in (0, 1], so the log is finite.
    private static Func<Random, double> Normal(double mean, double std) =>
        g => mean + std * Math.Sqrt(-2 * Math.Log(1 - g.NextDouble())) * Math.Cos(2 * Math.PI * g.NextDouble());

    private static void NoGenerator(IValue generator, string op)
    {
        if (!generator.IsNone)
            throw new JitRuntimeException($"{op}: a Generator argument is not supported (the runtime has one generator; seed it with CpuBackend.ManualSeed)");
    }

    private static DType Float(IValue dtype, DType fallback, string op)
    {
        var d = ShapeArgs.OptionalDType(dtype, op) ?? fallback;
        if (!d.IsFloatingPoint()) throw new JitTypeException($"{op}: random floats need a floating dtype, got {d.PythonName()}");
        return d;
    }

    private static double Probability(double p, string op) =>
        p is >= 0 and <= 1 ? p : throw new JitRuntimeException($"{op}: expects p to be in [0, 1], but got p={p}");

    private static double[] Constant(long count, double p)
    {
        var v = new double[count];
        Array.Fill(v, p);
        return v;
    }

    // The probabilities broadcast to the result's shape, each checked.
    private static double[] Probabilities(Tensor p, long[] shape, string op)
    {
        var v = StridedMathCopy.GatherDouble(p, shape);
        foreach (double x in v) Probability(x, op);
        return v;
    }

    private static double[] Draw(long count, Func<Random, double> sample)
    {
        var v = new double[count];
        lock (Gate)
        {
            for (long k = 0; k < v.Length; k++) v[k] = sample(_generator);
        }
        return v;
    }

    private static Tensor Floats(long[] sizes, DType dtype, Func<Random, double> sample) =>
        StridedMathCopy.ToTensor(Draw(StridedMathCopy.Numel(sizes), sample), dtype, sizes);

    private static void FillFloats(Tensor self, Func<Random, double> sample, string op)
    {
        if (!self.DType.IsFloatingPoint()) throw new JitTypeException($"{op}: needs a floating tensor, got {self.DType.PythonName()}");
        var v = Draw(self.NumElements, sample);
        StridedMathCopy.RoundTo(v, self.DType);
        StridedMathCopy.Scatter(v, self);
    }

    private static Tensor Bernoulli(long[] sizes, DType dtype, double[] p)
    {
        lock (Gate)
        {
            for (long k = 0; k < p.Length; k++) p[k] = _generator.NextDouble() < p[k] ? 1 : 0;
        }
        return dtype.IsFloatingPoint()
            ? StridedMathCopy.ToTensor(p, dtype, sizes)
            : StridedMathCopy.ToTensor(p.Select(x => (long)x).ToArray(), dtype, sizes);
    }

    private static void Write(Tensor self, Tensor values)
    {
        if (self.DType.IsFloatingPoint()) StridedMathCopy.Scatter(StridedMathCopy.GatherDouble(values, values.Sizes), self);
        else StridedMathCopy.Scatter(StridedMathCopy.GatherLong(values, values.Sizes), self);
    }

    private static Tensor Integers(long low, long high, long[] sizes, IValue dtypeArg, string op)
    {
        if (low >= high) throw new JitRuntimeException($"{op}: random_ expects 'from' to be less than 'to', but got from={low} >= to={high}");
        var dtype = ShapeArgs.OptionalDType(dtypeArg, op) ?? DType.Int64;
        if (dtype == DType.Bool) throw new JitTypeException($"{op}: a bool result is not supported");
        var v = new long[StridedMathCopy.Numel(sizes)];
        lock (Gate)
        {
            for (long k = 0; k < v.Length; k++) v[k] = _generator.NextInt64(low, high);
        }
        return dtype.IsFloatingPoint()
            ? StridedMathCopy.ToTensor(v.Select(x => (double)x).ToArray(), dtype, sizes)
            : StridedMathCopy.ToTensor(v, dtype, sizes);
    }
}
