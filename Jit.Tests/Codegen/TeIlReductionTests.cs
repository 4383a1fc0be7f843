using Jit.Backends.Cpu.Codegen;
using Jit.TensorExpr;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Codegen;

public sealed class TeIlReductionTests
{
    private static TeKernel RowReduce(DType dtype, Reducer reducer, DType? accumulate = null)
    {
        var b = new TeBuilder("row_reduce");
        var n = b.Size("n");
        var m = b.Size("m");
        var x = b.Input("x", dtype, [n, m]);
        b.Reduce("s", dtype, [n], [m], reducer, (i, r) => x.Load(i[0], r[0]), accumulate);
        return b.Build();
    }

    private static TeKernel ColumnReduce(DType dtype, Reducer reducer)
    {
        var b = new TeBuilder("col_reduce");
        var n = b.Size("n");
        var m = b.Size("m");
        var x = b.Input("x", dtype, [n, m]);
        // Reduction over the outer dim: the innermost loop runs over the output (load-combine-store).
        var s = b.Compute("s", dtype, [m], i => reducer.Init(dtype));
        var j = b.NewVar("j");
        var r = b.NewVar("r");
        b.Add(new ForStmt(r, 0, n, new ForStmt(j, 0, m, new ReduceStmt(s, [j], reducer, x.Load(r, j)))));
        return b.Build();
    }

    public static TheoryData<DType, ReduceKind> Cases()
    {
        var d = new TheoryData<DType, ReduceKind>();
        foreach (var t in new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int64, DType.Int16 })
        {
            foreach (var k in new[] { ReduceKind.Sum, ReduceKind.Prod, ReduceKind.Max, ReduceKind.Min }) d.Add(t, k);
        }
        return d;
    }

    private static Reducer Of(ReduceKind k) => k switch
    {
        ReduceKind.Sum => Reducer.Sum, ReduceKind.Prod => Reducer.Prod, ReduceKind.Max => Reducer.Max, _ => Reducer.Min,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void InnerAndOuterReductionsMatch(DType dtype, ReduceKind kind)
    {
        var rng = new Random((int)dtype * 10 + (int)kind);
        foreach (var (rows, cols) in new[] { (3, 37), (1, 1), (4, 0), (0, 3), (2, 100), (17, 16) })
        {
            // Products stay finite and exact-ish with values near 1 (ints: -1, 0, 1, 2).
            var x = kind == ReduceKind.Prod
                ? CodegenAssert.Random(rng, dtype, dtype.IsFloatingPoint() ? 0.9 : -1.4, dtype.IsFloatingPoint() ? 1.1 : 2.4, rows, cols)
                : CodegenAssert.Random(rng, dtype, -20, 20, rows, cols);
            CodegenAssert.MatchesEvaluator(RowReduce(dtype, Of(kind)), [x], context: $"row {rows}x{cols}");
            CodegenAssert.MatchesEvaluator(ColumnReduce(dtype, Of(kind)), [x], context: $"column {rows}x{cols}");
        }
    }

    [Fact]
    public void InnerReductionsAreVectorizedAndKeepNaN()
    {
        var k = RowReduce(DType.Float32, Reducer.Max);
        var compiled = TeIlCompiler.Compile(k, new TeCompileOptions { VectorBits = 256 });
        Assert.Equal(1, compiled.VectorizedLoops);
        var x = CodegenAssert.Random(new Random(1), DType.Float32, -5, 5, 2, 40);
        x.SetDouble(3, double.NaN);
        CodegenAssert.MatchesEvaluator(k, [x]);
    }

    [Fact]
    public void HalfSumWithFloatAccumulatorAndLargeSumsStayWithinTolerance()
    {
        var rng = new Random(2);
        var h = CodegenAssert.Random(rng, DType.Float16, -2, 2, 3, 300);
        CodegenAssert.MatchesEvaluator(RowReduce(DType.Float16, Reducer.Sum, DType.Float32), [h]);
        // A long float32 sum: lane-strided partial sums differ from the evaluator's sequential order
        // (by about 1e-5 relative here) and are closer to the exact sum.
        var f = CodegenAssert.Random(rng, DType.Float32, 0, 1, 2, 100_000);
        var k = RowReduce(DType.Float32, Reducer.Sum);
        CodegenAssert.MatchesEvaluator(k, [f]);
        double exact = 0;
        for (int i = 0; i < 100_000; i++) exact += f.GetDouble(i);
        double sequential = TeEvaluator.Run(k, [f])[0].GetDouble(0);
        double vectorized = TeIlCompiler.Compile(k, new TeCompileOptions { VectorBits = 256 }).Run([f])[0].GetDouble(0);
        Assert.True(Math.Abs(vectorized - exact) <= Math.Abs(sequential - exact), $"exact {exact}, sequential {sequential}, vectorized {vectorized}");
    }

    [Fact]
    public void ReductionOverStridedInputFallsBackToScalarAndMatches()
    {
        var rng = new Random(3);
        var x = Jit.Tests.TensorExpr.TeTestData.RandomStrided(rng, DType.Float32, 6, 45);
        CodegenAssert.MatchesEvaluator(RowReduce(DType.Float32, Reducer.Sum), [x]);
        CodegenAssert.MatchesEvaluator(ColumnReduce(DType.Float32, Reducer.Max), [x]);
    }

    [Fact]
    public void AnyAllAndCustomReducersRunScalar()
    {
        var rng = new Random(4);
        var x = CodegenAssert.Random(rng, DType.Bool, 0, 1, 4, 23);
        CodegenAssert.MatchesEvaluator(RowReduce(DType.Bool, Reducer.Any), [x]);
        CodegenAssert.MatchesEvaluator(RowReduce(DType.Bool, Reducer.All), [x]);
        var acc = new Var("acc", DType.Float32);
        var v = new Var("v", DType.Float32);
        var sumSquares = Reducer.Custom(acc, v, acc + v * v, Expr.Const(0, DType.Float32));
        var f = CodegenAssert.Random(rng, DType.Float32, -2, 2, 4, 23);
        CodegenAssert.MatchesEvaluator(RowReduce(DType.Float32, sumSquares), [f]);
    }

    [Fact]
    public void SoftmaxWithTemporariesMatches()
    {
        // max, exp(x - max) into a temporary, sum, divide: temporaries, invariant loads, reductions.
        var b = new TeBuilder("softmax");
        var n = b.Size("n");
        var m = b.Size("m");
        var x = b.Input("x", DType.Float32, [n, m]);
        var mx = b.Reduce("mx", DType.Float32, [n], [m], Reducer.Max, (i, r) => x.Load(i[0], r[0]), output: false);
        var e = b.Compute("e", DType.Float32, [n, m], i => Expr.Call(Intrinsic.Exp, x.Load(i[0], i[1]) - mx.Load(i[0])), output: false);
        var s = b.Reduce("s", DType.Float32, [n], [m], Reducer.Sum, (i, r) => e.Load(i[0], r[0]), output: false);
        b.Compute("out", DType.Float32, [n, m], i => e.Load(i[0], i[1]) / s.Load(i[0]));
        var k = b.Build();
        var rng = new Random(5);
        CodegenAssert.MatchesEvaluator(k, [CodegenAssert.Random(rng, DType.Float32, -10, 10, 5, 77)]);
        Assert.Equal(4, TeIlCompiler.Compile(k, new TeCompileOptions { VectorBits = 512 }).VectorizedLoops);
    }
}
