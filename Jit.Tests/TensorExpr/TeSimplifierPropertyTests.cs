using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.TensorExpr;

/// <summary>Random expression trees (seeded; the seed is in every failure message): the simplified kernel computes the same bits.</summary>
public sealed class TeSimplifierPropertyTests
{
    private static readonly DType[] Types = [DType.Float32, DType.Float64, DType.Int32, DType.Int64, DType.Bool, DType.Float16];
    private static readonly Var N = new("n");
    private static readonly Var I = new("i");

    private sealed class Gen(Random rng, IReadOnlyDictionary<DType, TeBuffer> inputs)
    {
        public Expr Make(DType t, int depth)
        {
            if (depth <= 0 || rng.Next(5) == 0) return Leaf(t);
            if (t == DType.Bool)
            {
                return rng.Next(4) switch
                {
                    0 => Expr.Not(Make(t, depth - 1)),
                    1 => Expr.Binary(rng.Next(2) == 0 ? BinaryOp.And : BinaryOp.Or, Make(t, depth - 1), Make(t, depth - 1)),
                    _ => Compare(depth),
                };
            }
            bool isFloat = t.IsFloatingPoint();
            switch (rng.Next(7))
            {
                case 0: return -Make(t, depth - 1);
                case 1: return Expr.Select(Make(DType.Bool, depth - 1), Make(t, depth - 1), Make(t, depth - 1));
                case 2: return Expr.Cast(Make(Types[rng.Next(Types.Length)], depth - 1), t);
                case 3 when isFloat:
                {
                    var fns = new[] { Intrinsic.Exp, Intrinsic.Tanh, Intrinsic.Sigmoid, Intrinsic.Abs, Intrinsic.Floor, Intrinsic.Sqrt, Intrinsic.Erf, Intrinsic.Log1p };
                    return Expr.Call(fns[rng.Next(fns.Length)], Make(t, depth - 1));
                }
                case 3:
                    return Expr.Call(rng.Next(2) == 0 ? Intrinsic.Remainder : Intrinsic.FloorDiv, Make(t, depth - 1), Expr.Const(rng.Next(1, 6), t));
                default:
                {
                    var ops = isFloat
                        ? new[] { BinaryOp.Add, BinaryOp.Sub, BinaryOp.Mul, BinaryOp.Div, BinaryOp.Min, BinaryOp.Max }
                        : new[] { BinaryOp.Add, BinaryOp.Sub, BinaryOp.Mul, BinaryOp.Div, BinaryOp.Mod, BinaryOp.Min, BinaryOp.Max, BinaryOp.Xor };
                    var op = ops[rng.Next(ops.Length)];
                    // Divisors are mostly small positive constants, as in index arithmetic.
                    var rhs = op is BinaryOp.Div or BinaryOp.Mod && rng.Next(3) != 0 ? Expr.Const(rng.Next(1, 9), t) : Make(t, depth - 1);
                    return Expr.Binary(op, Make(t, depth - 1), rhs);
                }
            }
        }

        private Expr Compare(int depth)
        {
            var t = Types[rng.Next(Types.Length)];
            var op = (BinaryOp)rng.Next((int)BinaryOp.Eq, (int)BinaryOp.Ge + 1);
            return Expr.Binary(op, Make(t, depth - 1), Make(t, depth - 1));
        }

        private Expr Leaf(DType t)
        {
            switch (rng.Next(4))
            {
                case 0: return Expr.Const(rng.Next(-3, 4) * (t.IsFloatingPoint() ? 0.5 : 1), t);
                case 1 when t == DType.Int64: return rng.Next(2) == 0 ? I : N;
                default: return inputs.TryGetValue(t, out var b) ? b.Load() : Expr.Cast(inputs[DType.Float32].Load(), t);
            }
        }
    }

    [Fact]
    public void SimplifiedKernelsComputeTheSameBits()
    {
        int checkedCount = 0;
        for (int seed = 0; seed < 400; seed++)
        {
            var rng = new Random(seed);
            var inputs = new Dictionary<DType, TeBuffer>();
            foreach (var t in new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int64, DType.Bool })
                inputs[t] = TeBuffer.Contiguous($"in_{t.PythonName()}", t, []);
            var outType = Types[rng.Next(Types.Length)];
            var expr = new Gen(rng, inputs).Make(outType, 5);
            var outBuf = TeBuffer.Contiguous("out", outType, [N]);
            var kernel = new TeKernel("p", [N], NodeList.From(inputs.Values), [outBuf],
                new ForStmt(I, 0, N, new StoreStmt(outBuf, [I], expr)));
            var simplified = TeSimplifier.Simplify(kernel);
            Assert.Same(simplified, TeSimplifier.Simplify(simplified));

            var tensors = inputs.Values.Select(b => TeTestData.Random(rng, b.DType)).ToArray();
            var parameters = new Dictionary<string, long> { ["n"] = 5 };
            Tensor expected;
            try
            {
                expected = TeEvaluator.Run(kernel, tensors, parameters)[0];
            }
            catch (JitRuntimeException)
            {
                continue; // e.g. integer division by zero: the simplifier may keep or remove it
            }
            Tensor actual;
            try
            {
                actual = TeEvaluator.Run(simplified, tensors, parameters)[0];
            }
            catch (JitRuntimeException e)
            {
                Assert.Fail($"seed {seed}: simplified kernel fails ({e.Message}) where the original ran\n{kernel}\n{simplified}");
                return;
            }
            for (int i = 0; i < 5; i++)
            {
                double a = expected.GetDouble(i), b = actual.GetDouble(i);
                bool same = (double.IsNaN(a) && double.IsNaN(b)) || BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);
                Assert.True(same, $"seed {seed}, i={i}: original {a}, simplified {b}\n{expr}\n=> {TeSimplifier.Simplify(expr)}");
            }
            checkedCount++;
        }
        Assert.True(checkedCount > 300, $"only {checkedCount} random kernels ran");
    }
}
