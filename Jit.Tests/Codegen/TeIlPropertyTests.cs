using Jit.Backends.Cpu.Codegen;
using Jit.TensorExpr;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Codegen;

/// <summary>Seeded random kernels: random expression trees over random-layout inputs, compiled vs evaluated.</summary>
public sealed class TeIlPropertyTests
{
    private static readonly Intrinsic[] FloatCalls =
        [Intrinsic.Exp, Intrinsic.Tanh, Intrinsic.Sigmoid, Intrinsic.Erf, Intrinsic.Sin, Intrinsic.Cos, Intrinsic.Abs, Intrinsic.Floor];

    private static Expr RandomExpr(Random rng, DType t, IReadOnlyList<Func<Expr>> leaves, int depth)
    {
        if (depth == 0 || rng.Next(4) == 0)
            return rng.Next(4) == 0 ? Expr.Const(Math.Round(rng.NextDouble() * 6 - 3, 2), t) : leaves[rng.Next(leaves.Count)]();
        Expr A() => RandomExpr(rng, t, leaves, depth - 1);
        bool fp = t.IsFloatingPoint();
        switch (rng.Next(fp ? 8 : 6))
        {
            case 0: return A() + A();
            case 1: return A() - A();
            case 2: return A() * (fp ? Expr.Call(Intrinsic.Tanh, A()) : A());
            case 3: return Expr.Max(A(), A());
            case 4: return Expr.Select(Expr.Lt(A(), A()), A(), A());
            case 5: return fp ? -A() : Expr.Binary(BinaryOp.Xor, A(), A());
            case 6: return Expr.Call(FloatCalls[rng.Next(FloatCalls.Length)], A());
            default: return A() / (Expr.Call(Intrinsic.Abs, A()) + 1.0);
        }
    }

    [Fact]
    public void HundredsOfRandomKernelsMatchTheEvaluator()
    {
        int baseSeed = 20240601;
        for (int k = 0; k < 300; k++)
        {
            int seed = baseSeed + k;
            var rng = new Random(seed);
            var dtype = new[] { DType.Float32, DType.Float32, DType.Float64, DType.Int32, DType.Int64 }[rng.Next(5)];
            long rows = rng.Next(0, 5), cols = new[] { 1, 3, 8, 15, 16, 17, 33, 64, 65 }[rng.Next(9)];
            var b = new TeBuilder($"random{k}");
            var n = b.Size("n");
            var m = b.Size("m");
            int nInputs = rng.Next(1, 4);
            var buffers = new List<TeBuffer>();
            var inputs = new List<Tensor>();
            for (int i = 0; i < nInputs; i++)
            {
                // Layouts: contiguous, a broadcast row [1, m], a scalar [], a transposed view.
                int layout = rng.Next(4);
                if (layout == 1)
                {
                    buffers.Add(b.Input($"x{i}", dtype, [1, m]));
                    inputs.Add(CodegenAssert.Random(rng, dtype, -3, 3, 1, cols));
                }
                else if (layout == 2)
                {
                    buffers.Add(b.Input($"x{i}", dtype, []));
                    inputs.Add(CodegenAssert.Random(rng, dtype, -3, 3));
                }
                else
                {
                    buffers.Add(b.Input($"x{i}", dtype, [n, m]));
                    var t = CodegenAssert.Random(rng, dtype, -3, 3, rows, cols);
                    if (layout == 3) t = CodegenAssert.Random(rng, dtype, -3, 3, cols, rows).AsStrided([rows, cols], [1, rows]);
                    inputs.Add(t);
                }
            }
            Func<IReadOnlyList<Var>, Expr> body = idx =>
            {
                var leaves = buffers.Select(buf => (Func<Expr>)(() => buf.LoadBroadcast(idx))).ToList();
                return RandomExpr(rng, dtype, leaves, 4);
            };
            if (rng.Next(3) == 0) b.Reduce("out", dtype, [n], [m], rng.Next(2) == 0 ? Reducer.Sum : Reducer.Max, (i, r) => body([i[0], r[0]]));
            else b.Compute("out", dtype, [n, m], body);
            TeKernel kernel;
            try
            {
                kernel = b.Build();
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}: building failed: {e.Message}");
            }
            var parameters = new Dictionary<string, long> { ["n"] = rows, ["m"] = cols };
            try
            {
                CodegenAssert.MatchesEvaluator(kernel, inputs, rtol: 2e-4, atol: 1e-4, parameters: parameters, context: $"seed {seed}");
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}: {e.GetType().Name}: {e.Message}\n{kernel}");
            }
            catch (Xunit.Sdk.XunitException e)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}: {e.Message}\n{kernel}");
            }
        }
    }
}
