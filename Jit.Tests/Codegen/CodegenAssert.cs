using Jit.Backends.Cpu.Codegen;
using Jit.TensorExpr;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Codegen;

/// <summary>Runs a kernel through TeEvaluator and through the IL compiler at every width, and compares.</summary>
internal static class CodegenAssert
{
    /// <summary>Scalar only, AVX2 width, AVX-512 width (emulated where not accelerated; still correct).</summary>
    public static readonly int[] Widths = [-1, 256, 512];

    public static void MatchesEvaluator(TeKernel kernel, IReadOnlyList<Tensor> inputs, double rtol = 1e-4, double atol = 1e-5,
        IReadOnlyDictionary<string, long>? parameters = null, string context = "")
    {
        var expected = TeEvaluator.Run(kernel, inputs, parameters);
        foreach (int bits in Widths)
        {
            var compiled = TeIlCompiler.Compile(kernel, new TeCompileOptions { VectorBits = bits });
            var got = compiled.Run(inputs, parameters);
            Assert.Equal(expected.Length, got.Length);
            for (int o = 0; o < got.Length; o++) AssertClose(expected[o], got[o], rtol, atol, $"{context} width {bits} output {o}");
        }
    }

    /// <summary>
    /// Element-wise comparison: integers and bools exactly; floats within atol + rtol * |expected|
    /// (tolerances scaled up for the narrow float types), NaN equal to NaN.
    /// </summary>
    public static void AssertClose(Tensor expected, Tensor actual, double rtol, double atol, string context)
    {
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.SizesArray(), actual.SizesArray());
        if (expected.DType is DType.Float16 or DType.BFloat16)
        {
            double eps = expected.DType == DType.Float16 ? 1e-3 : 8e-3;
            rtol = Math.Max(rtol, eps);
            atol = Math.Max(atol, eps);
        }
        for (long i = 0; i < expected.NumElements; i++)
        {
            if (expected.DType.IsFloatingPoint())
            {
                double e = expected.GetDouble(i), a = actual.GetDouble(i);
                bool ok = e.Equals(a) || Math.Abs(e - a) <= atol + rtol * Math.Abs(e);
                Assert.True(ok, $"{context}: element {i}: expected {e:R}, got {a:R}");
            }
            else
            {
                long e = expected.GetLong(i), a = actual.GetLong(i);
                Assert.True(e == a, $"{context}: element {i}: expected {e}, got {a}");
            }
        }
    }

    /// <summary>Random values in [lo, hi) (integers: rounded), contiguous.</summary>
    public static Tensor Random(Random rng, DType dtype, double lo, double hi, params long[] sizes)
    {
        var t = Tensor.Empty(dtype, sizes);
        for (long i = 0; i < t.NumElements; i++)
        {
            double v = lo + rng.NextDouble() * (hi - lo);
            if (dtype.IsFloatingPoint()) t.SetDouble(i, v);
            else if (dtype == DType.Bool) t.SetLong(i, rng.Next(2));
            else t.SetLong(i, (long)Math.Round(v));
        }
        return t;
    }
}
