using Jit.Backends.Cpu.Codegen;
using Jit.TensorExpr;
using Jit.Tensors;
using Jit.Tests.TensorExpr;
using Xunit;

namespace Jit.Tests.Codegen;

public sealed class TeIlCompilerTests
{
    private static TeKernel Unary(DType dtype, Func<Expr, Expr> f, string name = "unary")
    {
        var b = new TeBuilder(name);
        var n = b.Size("n");
        var m = b.Size("m");
        var x = b.Input("x", dtype, [n, m]);
        b.Compute("out", f(x.Load(0, 0)).DType, [n, m], i => f(x.Load(i[0], i[1])));
        return b.Build();
    }

    private static TeKernel Binary(DType dtype, Func<Expr, Expr, Expr> f, DType? outType = null)
    {
        var b = new TeBuilder("binary");
        var n = b.Size("n");
        var m = b.Size("m");
        var x = b.Input("x", dtype, [n, m]);
        var y = b.Input("y", dtype, [n, m]);
        b.Compute("out", outType ?? dtype, [n, m], i => f(x.Load(i[0], i[1]), y.Load(i[0], i[1])));
        return b.Build();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 37)]
    [InlineData(2, 7)]
    [InlineData(5, 16)]
    [InlineData(4, 33)]
    [InlineData(1, 1000)]
    [InlineData(0, 5)]
    [InlineData(5, 0)]
    public void AddReluWithBroadcastRowMatchesAtOddSizes(int rows, int cols)
    {
        var rng = new Random(rows * 100 + cols);
        var x = CodegenAssert.Random(rng, DType.Float32, -4, 4, rows, cols);
        var y = CodegenAssert.Random(rng, DType.Float32, -4, 4, 1, cols);
        CodegenAssert.MatchesEvaluator(TePrinterTests.AddRelu(), [x, y]);
    }

    [Fact]
    public void ElementwiseChainMatchesOnContiguousStridedAndExpandedInputs()
    {
        var k = Binary(DType.Float32, (x, y) => Expr.Max((x * 1.5 + y) * (x - 0.25) - y / 3.0, 0.0));
        var rng = new Random(11);
        var contiguous = CodegenAssert.Random(rng, DType.Float32, -3, 3, 9, 41);
        var other = CodegenAssert.Random(rng, DType.Float32, -3, 3, 9, 41);
        CodegenAssert.MatchesEvaluator(k, [contiguous, other]);
        var strided = TeTestData.RandomStrided(rng, DType.Float32, 9, 41);
        CodegenAssert.MatchesEvaluator(k, [strided, other], context: "strided");
        var row = CodegenAssert.Random(rng, DType.Float32, -3, 3, 41);
        var expandedRows = row.AsStrided([9, 41], [0, 1]);
        CodegenAssert.MatchesEvaluator(k, [expandedRows, other], context: "stride-0 rows");
        var col = CodegenAssert.Random(rng, DType.Float32, -3, 3, 9);
        var expandedCols = col.AsStrided([9, 41], [1, 0]);
        CodegenAssert.MatchesEvaluator(k, [other, expandedCols], context: "stride-0 columns");
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float16)]
    [InlineData(DType.BFloat16)]
    [InlineData(DType.Int64)]
    [InlineData(DType.Int32)]
    [InlineData(DType.Int16)]
    [InlineData(DType.Int8)]
    [InlineData(DType.UInt8)]
    public void ArithmeticComparisonsAndSelectsMatchForEveryDType(DType dtype)
    {
        var rng = new Random((int)dtype);
        var x = CodegenAssert.Random(rng, dtype, -50, 50, 3, 29);
        var y = CodegenAssert.Random(rng, dtype, 1, 9, 3, 29);
        if (dtype == DType.UInt8)
        {
            x = CodegenAssert.Random(rng, dtype, 0, 255, 3, 29);
        }
        Func<Expr, Expr, Expr>[] ops =
        [
            (a, b) => a + b * b - a,
            (a, b) => a * b,
            (a, b) => a / b,
            (a, b) => Expr.Max(a, b) - Expr.Min(a, b),
            (a, b) => Expr.Select(Expr.Lt(a, b), a, -b),
            (a, b) => Expr.Select(Expr.And(Expr.Ge(a, b), Expr.Ne(a, b)), b, a),
            (a, b) => a % b,
        ];
        foreach (var op in ops) CodegenAssert.MatchesEvaluator(Binary(dtype, op), [x, y], context: dtype.ToString());
        foreach (var cmp in new Func<Expr, Expr, Expr>[] { Expr.Eq, Expr.Ne, Expr.Lt, Expr.Le, Expr.Gt, Expr.Ge })
            CodegenAssert.MatchesEvaluator(Binary(dtype, cmp, DType.Bool), [x, y], context: dtype + " compare");
        if (!dtype.IsFloatingPoint())
        {
            CodegenAssert.MatchesEvaluator(Binary(dtype, (a, b) => Expr.And(a, b) + Expr.Or(a, b) + Binary(BinaryOp.Xor, a, b)), [x, y]);
            CodegenAssert.MatchesEvaluator(Unary(dtype, a => Expr.Not(a) + Expr.Call(Intrinsic.Abs, a)), [x]);
        }
        CodegenAssert.MatchesEvaluator(Unary(dtype, a => -a * a), [x], context: dtype + " neg");
    }

    private static Expr Binary(BinaryOp op, Expr a, Expr b) => Expr.Binary(op, a, b);

    [Fact]
    public void CastsBetweenEveryPairOfDTypesMatch()
    {
        var rng = new Random(99);
        DType[] all = [DType.Float32, DType.Float64, DType.Float16, DType.BFloat16, DType.Int64, DType.Int32, DType.Int16, DType.Int8, DType.UInt8, DType.Bool];
        foreach (var from in all)
        {
            var x = CodegenAssert.Random(rng, from, -300, 300, 2, 21);
            if (from.IsFloatingPoint()) x.SetDouble(3, double.NaN);
            foreach (var to in all)
                CodegenAssert.MatchesEvaluator(Unary(from, a => Expr.Cast(a, to), "cast"), [x], context: $"{from} -> {to}");
        }
    }

    [Fact]
    public void BoolLogicAndIntToFloatCastsVectorize()
    {
        var rng = new Random(4);
        var x = CodegenAssert.Random(rng, DType.Float32, -2, 2, 2, 50);
        var y = CodegenAssert.Random(rng, DType.Float32, -2, 2, 2, 50);
        CodegenAssert.MatchesEvaluator(Binary(DType.Float32, (a, b) =>
            Expr.Cast(Expr.Or(Expr.Gt(a, b), Expr.Not(Expr.Lt(a, 0.5))), DType.Float32) * a
            + Expr.Select(Expr.Call(Intrinsic.IsNan, a / b), Expr.Const(1, DType.Float32), Expr.Const(2, DType.Float32))), [x, y]);
        var xi = CodegenAssert.Random(rng, DType.Int32, -100, 100, 2, 50);
        CodegenAssert.MatchesEvaluator(Unary(DType.Int32, a => Expr.Cast(a * 3, DType.Float32) / 7.0), [xi]);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float16)]
    [InlineData(DType.BFloat16)]
    public void EveryIntrinsicMatchesOnFloats(DType dtype)
    {
        var rng = new Random(17);
        var x = CodegenAssert.Random(rng, dtype, -6, 6, 3, 45);
        var pos = CodegenAssert.Random(rng, dtype, 0.01, 9, 3, 45);
        var unit = CodegenAssert.Random(rng, dtype, -0.99, 0.99, 3, 45);
        x.SetDouble(5, double.NaN);
        foreach (Intrinsic fn in Enum.GetValues<Intrinsic>())
        {
            if (CallExpr.Arity(fn) == 2)
            {
                var input = fn == Intrinsic.Pow ? pos : x;
                CodegenAssert.MatchesEvaluator(Binary(dtype, (a, b) => Expr.Call(fn, a, b)), [input, pos], context: $"{fn} {dtype}");
                continue;
            }
            var arg = fn switch
            {
                Intrinsic.Log or Intrinsic.Log2 or Intrinsic.Log10 or Intrinsic.Sqrt or Intrinsic.Rsqrt => pos,
                Intrinsic.Asin or Intrinsic.Acos or Intrinsic.Log1p => unit,
                _ => x,
            };
            var outType = fn == Intrinsic.IsNan ? DType.Bool : dtype;
            CodegenAssert.MatchesEvaluator(Unary(dtype, a => Expr.Call(fn, a)), [arg], context: $"{fn} {dtype} {outType}");
        }
    }

    [Fact]
    public void IntegerIntrinsicsMatchAndDivisionByZeroThrows()
    {
        var rng = new Random(8);
        var x = CodegenAssert.Random(rng, DType.Int32, -40, 40, 2, 19);
        var y = CodegenAssert.Random(rng, DType.Int32, 1, 5, 2, 19);
        foreach (var fn in new[] { Intrinsic.Fmod, Intrinsic.Remainder, Intrinsic.FloorDiv, Intrinsic.Pow })
            CodegenAssert.MatchesEvaluator(Binary(DType.Int32, (a, b) => Expr.Call(fn, a, b)), [x, y], context: fn.ToString());
        var zero = Tensor.Zeros(DType.Int32, 2, 19);
        var k = TeIlCompiler.Compile(Binary(DType.Int32, (a, b) => a / b));
        Assert.Throws<Jit.Errors.JitRuntimeException>(() => k.Run([x, zero]));
    }

    [Fact]
    public void VectorMinMaxPropagateNaNAndOrderSignedZeros()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 20).Select(i => i % 3 == 0 ? float.NaN : i % 3 == 1 ? -0f : 1f).ToArray(), 1, 20);
        var y = Tensor.FromArray(Enumerable.Range(0, 20).Select(i => i % 4 == 0 ? 0f : i % 4 == 1 ? float.NaN : -2f).ToArray(), 1, 20);
        CodegenAssert.MatchesEvaluator(Binary(DType.Float32, (a, b) => Expr.Max(a, b) + Expr.Min(a, b) * 3.0), [x, y], rtol: 0, atol: 0);
        var k = TeIlCompiler.Compile(Binary(DType.Float32, Expr.Max), new TeCompileOptions { VectorBits = 256 });
        var got = k.Run([x, y])[0];
        Assert.True(float.IsPositive((float)got.GetDouble(4)), "max(-0, +0) is +0");
    }
}
