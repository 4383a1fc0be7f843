using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.TensorExpr;

public sealed class TeEvaluatorTests
{
    [Fact]
    public void AddReluBroadcastsAndInfersSizes()
    {
        var x = Tensor.FromArray(new float[] { -1, 2, -3, 4, 5, -6 }, 2, 3);
        var y = Tensor.FromArray(new float[] { 0.5f, -2.5f, 10 }, 1, 3);
        var out0 = TeEvaluator.Run(TePrinterTests.AddRelu(), [x, y])[0];
        Assert.Equal(new double[] { 0, 0, 7, 4.5, 2.5, 4 }, out0.ToDoubleArray());
    }

    [Fact]
    public void ReadsStridedAndExpandedInputsThroughTheirStrides()
    {
        var rng = new Random(7);
        var x = TeTestData.RandomStrided(rng, DType.Float32, 5, 3);
        Assert.False(x.IsContiguous);
        // y: a [3] vector expanded to [5, 3] with stride 0 along dim 0, passed as a symbolic-size input.
        var yBase = TeTestData.Random(rng, DType.Float32, 3);
        var y = yBase.AsStrided([5, 3], [0, 1]);
        var b = new TeBuilder("mul");
        var n = b.Size("n");
        var m = b.Size("m");
        var xb = b.Input("x", DType.Float32, [n, m]);
        var yb = b.Input("y", DType.Float32, [n, m]);
        b.Compute("out", DType.Float32, [n, m], i => xb.Load(i[0], i[1]) * yb.Load(i[0], i[1]));
        var got = TeEvaluator.Run(b.Build(), [x, y])[0];
        for (int r = 0; r < 5; r++)
        {
            for (int c = 0; c < 3; c++)
                Assert.Equal((float)(x.GetDouble(r * 3 + c) * yBase.GetDouble(c)), got.GetDouble(r * 3 + c));
        }
    }

    [Fact]
    public void WritesIntoStridedOutputs()
    {
        var b = new TeBuilder("iota");
        b.Compute("out", DType.Int32, [2, 3], i => Expr.Cast(i[0] * 10 + i[1], DType.Int32));
        var k = b.Build();
        var storage = Tensor.Zeros(DType.Int32, 3, 2);
        var transposed = storage.AsStrided([2, 3], [1, 2]);
        Assert.Throws<JitRuntimeException>(() => TeEvaluator.Run(k, [], [transposed]));
        var dense = Tensor.Zeros(DType.Int32, 2, 3);
        TeEvaluator.Run(k, [], [dense]);
        Assert.Equal(new long[] { 0, 1, 2, 10, 11, 12 }, dense.ToLongArray());
    }

    [Theory]
    [InlineData(0L, 4L)]
    [InlineData(3L, 0L)]
    [InlineData(1L, 1L)]
    [InlineData(1L, 5L)]
    public void HandlesSizeZeroAndOneDims(long rows, long cols)
    {
        var rng = new Random(3);
        var x = TeTestData.Random(rng, DType.Float64, rows, cols);
        var b = new TeBuilder("rowsum");
        var n = b.Size("n");
        var m = b.Size("m");
        var xb = b.Input("x", DType.Float64, [n, m]);
        b.Reduce("s", DType.Float64, [n], [m], Reducer.Sum, (i, r) => xb.Load(i[0], r[0]));
        var s = TeEvaluator.Run(b.Build(), [x])[0];
        Assert.Equal([rows], s.SizesArray());
        for (int r = 0; r < rows; r++)
        {
            double e = 0;
            for (int c = 0; c < cols; c++) e += x.GetDouble(r * cols + c);
            Assert.Equal(e, s.GetDouble(r), 12);
        }
    }

    [Theory]
    [InlineData(ReduceKind.Sum, new double[] { 1, -2, 7 }, 6)]
    [InlineData(ReduceKind.Prod, new double[] { 1, -2, 7 }, -14)]
    [InlineData(ReduceKind.Max, new double[] { 1, -2, 7 }, 7)]
    [InlineData(ReduceKind.Min, new double[] { 1, -2, 7 }, -2)]
    [InlineData(ReduceKind.Max, new double[] { 1, double.NaN, 7 }, double.NaN)]
    [InlineData(ReduceKind.Max, new double[] { }, double.NegativeInfinity)]
    public void ReducesFloat(ReduceKind kind, double[] values, double expected)
    {
        var b = new TeBuilder("red");
        var n = b.Size("n");
        var x = b.Input("x", DType.Float32, [n]);
        b.Reduce("r", DType.Float32, [], [n], new Reducer(kind), (_, r) => x.Load(r[0]));
        var t = Tensor.FromArray(values.Select(v => (float)v).ToArray(), values.Length);
        Assert.Equal(expected, TeEvaluator.Run(b.Build(), [t])[0].GetDouble(0));
    }

    [Fact]
    public void ReducesBoolAnyAllAndCustom()
    {
        var b = new TeBuilder("anyall");
        var x = b.Input("x", DType.Bool, [4]);
        b.Reduce("any", DType.Bool, [], [4], Reducer.Any, (_, r) => x.Load(r[0]));
        b.Reduce("all", DType.Bool, [], [4], Reducer.All, (_, r) => x.Load(r[0]));
        var acc = new Var("acc", DType.Int64);
        var v = new Var("v", DType.Int64);
        // Custom: sum of squares.
        b.Reduce("sq", DType.Int64, [], [4], Reducer.Custom(acc, v, acc + v * v, 0), (_, r) => Expr.Cast(x.Load(r[0]), DType.Int64) + 1);
        var t = Tensor.FromArray(new bool[] { false, true, false, false }, 4);
        var outs = TeEvaluator.Run(b.Build(), [t]);
        Assert.Equal(1, outs[0].GetLong(0));
        Assert.Equal(0, outs[1].GetLong(0));
        Assert.Equal(1 + 4 + 1 + 1, outs[2].GetLong(0));
    }

    [Fact]
    public void HalfSumAccumulatesInFloat32()
    {
        // 2049 ones: a float16 accumulator stalls at 2048, float32 does not (then rounds to 2048 on store).
        var b = new TeBuilder("hsum");
        var x = b.Input("x", DType.Float16, [2049]);
        b.Reduce("naive", DType.Float16, [], [2049], Reducer.Sum, (_, r) => x.Load(r[0]));
        b.Reduce("acc", DType.Float32, [], [2049], Reducer.Sum, (_, r) => x.Load(r[0]), accumulate: DType.Float32);
        var t = Tensor.Empty(DType.Float16, 2049);
        for (int i = 0; i < 2049; i++) t.SetDouble(i, 1.0);
        var outs = TeEvaluator.Run(b.Build(), [t]);
        Assert.Equal(2048, outs[0].GetDouble(0));
        Assert.Equal(2049, outs[1].GetDouble(0));
    }

    public static TheoryData<DType> AllDTypes() => new(DTypeInfo.All);

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void ArithmeticRoundsAndWrapsPerDType(DType dtype)
    {
        var b = new TeBuilder("arith");
        var x = b.Input("x", dtype, [3], contiguous: true);
        b.Compute("sum", dtype, [3], i => dtype == DType.Bool ? Expr.Or(x.Load(i[0]), x.Load(i[0])) : x.Load(i[0]) + x.Load(i[0]));
        b.Compute("f", DType.Float32, [3], i => Expr.Cast(x.Load(i[0]), DType.Float32));
        var t = Tensor.Empty(dtype, 3);
        double[] values = dtype switch
        {
            DType.Bool => [0, 1, 1],
            DType.UInt8 => [200, 3, 0],
            DType.Int8 => [100, -100, 7],
            DType.Int16 => [20000, -3, 5],
            DType.Int32 => [2e9, -7, 1],
            DType.Int64 => [4e18, -7, 1],
            DType.Float16 => [1000.5, 0.1, -2],
            DType.BFloat16 => [1.00390625, 0.1, -2],
            _ => [0.1, 1e30, -2],
        };
        for (int i = 0; i < 3; i++) t.SetDouble(i, values[i]);
        var outs = TeEvaluator.Run(b.Build(), [t]);
        for (int i = 0; i < 3; i++)
        {
            var stored = t.GetDouble(i);
            double expected = dtype switch
            {
                DType.Bool => stored,
                DType.UInt8 => (byte)(2 * (long)stored),
                DType.Int8 => (sbyte)(2 * (long)stored),
                DType.Int16 => (short)(2 * (long)stored),
                DType.Int32 => (int)(2 * (long)stored),
                DType.Int64 => unchecked(2 * t.GetLong(i)),
                DType.Float16 => (double)(Half)(2 * stored),
                DType.BFloat16 => BFloat16.ToSingle(BFloat16.FromSingle((float)(2 * stored))),
                DType.Float32 => (float)(2 * stored),
                _ => 2 * stored,
            };
            Assert.Equal(expected, outs[0].GetDouble(i));
            Assert.Equal((double)(float)(dtype == DType.Int64 ? t.GetLong(i) : stored), outs[1].GetDouble(i));
        }
    }

    [Theory]
    [InlineData(DType.Float32, DType.Int32, 2.9, 2)]
    [InlineData(DType.Float32, DType.Int32, -2.9, -2)]
    [InlineData(DType.Float32, DType.UInt8, -1.0, 255)]
    [InlineData(DType.Float64, DType.Bool, 0.25, 1)]
    [InlineData(DType.Float64, DType.Bool, double.NaN, 1)]
    [InlineData(DType.Int32, DType.Bool, -4, 1)]
    [InlineData(DType.Int64, DType.Int8, 300, 44)]
    [InlineData(DType.Float64, DType.Float16, 1.0009765625 + 1e-12, 1.0009765625)]
    [InlineData(DType.Float32, DType.BFloat16, 1.00390625, 1.0)]
    [InlineData(DType.Float32, DType.BFloat16, 1.01171875, 1.015625)]
    public void CastsAsPyTorch(DType from, DType to, double value, double expected)
    {
        var c = TeSimplifier.Simplify(Expr.Cast(Expr.Const(value, from), to));
        Assert.Equal(expected, c is FloatImm f ? f.Value : ((IntImm)c).Value);
        // The evaluator agrees with the folded constant.
        var b = new TeBuilder("cast");
        var x = b.Input("x", from, []);
        b.Compute("y", to, [], _ => Expr.Cast(x.Load(), to));
        var t = Tensor.Empty(from);
        t.SetDouble(0, value);
        Assert.Equal(expected, TeEvaluator.Run(b.Build(), [t])[0].GetDouble(0));
    }

    [Theory]
    [InlineData(Intrinsic.Remainder, -7.0, 3.0, 2.0)]
    [InlineData(Intrinsic.Fmod, -7.0, 3.0, -1.0)]
    [InlineData(Intrinsic.FloorDiv, -7.0, 2.0, -4.0)]
    [InlineData(Intrinsic.Round, 2.5, 0, 2.0)]
    [InlineData(Intrinsic.Sigmoid, 0.0, 0, 0.5)]
    [InlineData(Intrinsic.Rsqrt, 4.0, 0, 0.5)]
    [InlineData(Intrinsic.Pow, 2.0, 10.0, 1024.0)]
    public void IntrinsicsOnFloatsAndInts(Intrinsic fn, double a, double b, double expected)
    {
        foreach (var dtype in new[] { DType.Float32, DType.Int64 })
        {
            if (dtype == DType.Int64 && fn is Intrinsic.Sigmoid or Intrinsic.Rsqrt) continue;
            Expr[] args = CallExpr.Arity(fn) == 2 ? [Expr.Const(a, dtype), Expr.Const(b, dtype)] : [Expr.Const(a, dtype)];
            var folded = TeSimplifier.Simplify(Expr.Call(fn, args));
            Assert.Equal(expected, folded is FloatImm f ? f.Value : ((IntImm)folded).Value);
        }
    }

    [Fact]
    public void OutOfRangeIndexFailsWithTheBufferName()
    {
        var b = new TeBuilder("oob");
        var x = b.Input("x", DType.Float32, [4], contiguous: true);
        b.Compute("y", DType.Float32, [4], i => x.Load(i[0] + 1));
        var e = Assert.Throws<JitRuntimeException>(() => TeEvaluator.Run(b.Build(), [Tensor.Zeros(DType.Float32, 4)]));
        Assert.Contains("x: index 4 out of range [0, 4)", e.Message);
    }

    [Fact]
    public void IntegerDivisionByZeroFails()
    {
        var b = new TeBuilder("div0");
        var x = b.Input("x", DType.Int32, [2], contiguous: true);
        b.Compute("y", DType.Int32, [2], i => x.Load(i[0]) / x.Load(0));
        Assert.Throws<JitRuntimeException>(() => TeEvaluator.Run(b.Build(), [Tensor.Zeros(DType.Int32, 2)]));
    }
}
