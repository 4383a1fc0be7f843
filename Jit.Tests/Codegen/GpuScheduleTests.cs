using Jit.Codegen;
using Jit.TensorExpr;
using Jit.Tensors;
using Jit.Tests.TensorExpr;
using Xunit;

namespace Jit.Tests.Codegen;

/// <summary>
/// <see cref="GpuSchedule"/>: the scheduled kernel, run by the oracle, gives the outputs of the
/// lowered kernel, for elementwise, broadcast and strided ops in every dtype and for every
/// reduction the lowering emits; and each statement gets the stage kind it should.
/// </summary>
public sealed class GpuScheduleTests
{
    private static readonly DType[] AllDTypes = LoweringHarness.AllDTypes;

    private static readonly (long[] Shape, Layout Layout)[] Shapes =
    [
        ([3, 5], Layout.Contiguous), ([5, 3], Layout.Transposed), ([2, 3, 5], Layout.Transposed), ([4, 3], Layout.Expanded),
        ([7], Layout.Contiguous), ([1, 1], Layout.Contiguous), ([0, 3], Layout.Contiguous), ([2, 37], Layout.Contiguous),
    ];

    [Fact]
    public void ElementwiseInEveryDTypeKeepsResults()
    {
        var rng = new Random(1);
        foreach (var dtype in AllDTypes)
        {
            foreach (var (shape, layout) in Shapes)
            {
                var x = new TensorArg(dtype, shape, layout);
                var s = GpuScheduleHarness.Check("aten::abs", [new TensorArg(dtype, shape, layout)], rng);
                Assert.All(s!.Stages, st => Assert.Equal(shape.Length == 0 ? GpuStageKind.Single : GpuStageKind.Elementwise, st.Kind));
                GpuScheduleHarness.Check("aten::neg", [x], rng);
                GpuScheduleHarness.Check("aten::add.Tensor", [x, new TensorArg(dtype, shape[^1..]), ConstArg.Int(1)], rng);
                GpuScheduleHarness.Check("aten::mul.Tensor", [x, new TensorArg(dtype, shape, Layout.Transposed)], rng);
                GpuScheduleHarness.Check("aten::eq.Tensor", [x, new TensorArg(dtype, shape)], rng);
                GpuScheduleHarness.Check("aten::maximum", [x, new TensorArg(dtype, shape)], rng);
                GpuScheduleHarness.Check("aten::where.self", [new TensorArg(DType.Bool, shape), x, new TensorArg(dtype, shape)], rng);
                if (dtype != DType.Bool)
                {
                    GpuScheduleHarness.Check("aten::remainder.Tensor", [x, new TensorArg(dtype, shape, Range: DataRange.NonZero)], rng);
                    GpuScheduleHarness.Check("aten::floor_divide", [x, new TensorArg(dtype, shape, Range: DataRange.NonZero)], rng);
                }
            }
        }
    }

    [Fact]
    public void UnaryFloatOpsAndCastsKeepResults()
    {
        var rng = new Random(2);
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Float16, DType.BFloat16 })
        {
            var x = new TensorArg(dtype, [3, 5], Layout.Transposed);
            foreach (var op in new[] { "aten::exp", "aten::sigmoid", "aten::tanh", "aten::relu", "aten::round", "aten::sqrt", "aten::erf" })
                GpuScheduleHarness.Check(op, [x], rng);
            foreach (var to in AllDTypes)
                GpuScheduleHarness.Check("aten::to.dtype", [x, ConstArg.Int((int)to), ConstArg.Bool(false), ConstArg.Bool(false), ConstArg.None], rng);
        }
    }

    [Fact]
    public void DimReductionsKeepResults()
    {
        var rng = new Random(3);
        foreach (var dtype in new[] { DType.Float32, DType.Float16, DType.Int32, DType.UInt8, DType.Bool })
        {
            foreach (var (shape, layout) in Shapes)
            {
                long[][] dimLists = shape.Length switch { 1 => [[0], []], 2 => [[1], [0], [0, 1]], _ => [[1], [0, 2], []] };
                foreach (var dims in dimLists)
                {
                    var x = new TensorArg(dtype, shape, layout);
                    GpuScheduleHarness.Check("aten::sum.dim_IntList", [x, ConstArg.Ints(dims), ConstArg.Bool(false), ConstArg.None], rng);
                    GpuScheduleHarness.Check("aten::mean.dim", [x, ConstArg.Ints(dims), ConstArg.Bool(true), ConstArg.Int((int)DType.Float32)], rng);
                    if (shape.All(s => s > 0))
                    {
                        GpuScheduleHarness.Check("aten::amax", [x, ConstArg.Ints(dims), ConstArg.Bool(true)], rng);
                        GpuScheduleHarness.Check("aten::amin", [x, ConstArg.Ints(dims), ConstArg.Bool(false)], rng);
                    }
                }
                var whole = new TensorArg(dtype, shape, layout, DataRange.Small);
                GpuScheduleHarness.Check("aten::prod", [whole, ConstArg.None], rng);
                GpuScheduleHarness.Check("aten::any", [whole], rng);
                GpuScheduleHarness.Check("aten::all", [whole], rng);
                if (shape.All(s => s > 0))
                {
                    GpuScheduleHarness.Check("aten::argmax", [whole, ConstArg.Int(0), ConstArg.Bool(false)], rng);
                    GpuScheduleHarness.Check("aten::max.dim", [whole, ConstArg.Int(-1), ConstArg.Bool(true)], rng, outputs: 2);
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    public void NormalizationsKeepResults(int localSize)
    {
        var rng = new Random(4 + localSize);
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Float16 })
        {
            foreach (var (shape, layout) in Shapes.Where(s => s.Shape.Length >= 2))
            {
                var x = new TensorArg(dtype, shape, layout);
                foreach (var dim in new[] { 0, -1 })
                {
                    GpuScheduleHarness.Check("aten::softmax.int", [x, ConstArg.Int(dim), ConstArg.None], rng, localSize: localSize);
                    GpuScheduleHarness.Check("aten::log_softmax.int", [x, ConstArg.Int(dim), ConstArg.None], rng, localSize: localSize);
                }
                long last = shape[^1];
                GpuScheduleHarness.Check("aten::layer_norm", [x, ConstArg.Ints(last), new TensorArg(dtype, [last]), new TensorArg(dtype, [last]), ConstArg.Float(1e-5), ConstArg.Bool(true)], rng, localSize: localSize);
                GpuScheduleHarness.Check("aten::var.dim", [x, ConstArg.Ints(1), ConstArg.Bool(true), ConstArg.Bool(false)], rng, localSize: localSize);
                if (shape.All(s => s > 0))
                    GpuScheduleHarness.Check("aten::logsumexp", [x, ConstArg.Ints(0), ConstArg.Bool(false)], rng, localSize: localSize);
            }
        }
    }

    [Fact]
    public void SumOverASymbolicRowIsOneGroupPerRow()
    {
        var s = GpuScheduleHarness.Check("aten::sum.dim_IntList", [new TensorArg(DType.Float32, [3, 37]), ConstArg.Ints(1), ConstArg.Bool(false), ConstArg.None], new Random(5))!;
        Assert.Equal([GpuStageKind.GroupPerRow, GpuStageKind.Elementwise], s.Stages.Select(x => x.Kind));
        Assert.Single(s.Temps);
        Assert.Equal("s1", s.Stages[0].Work.ToString());
    }

    [Fact]
    public void SixteenBitSumsAccumulatingInAPrivateScalarAreOneGroupPerRow()
    {
        foreach (var dtype in new[] { DType.Float16, DType.BFloat16 })
        {
            var s = GpuScheduleHarness.Check("aten::sum.dim_IntList", [new TensorArg(dtype, [3, 37]), ConstArg.Ints(1), ConstArg.Bool(false), ConstArg.None], new Random(10))!;
            Assert.Equal([GpuStageKind.GroupPerRow, GpuStageKind.Elementwise], s.Stages.Select(x => x.Kind));
            Assert.Contains("alloc local red: float32[4]", s.Kernel.ToString());
        }
    }

    [Fact]
    public void ShortConstantRowsAreReducedSeriallyPerRow()
    {
        var s = GpuScheduleHarness.Check("aten::sum.dim_IntList", [new TensorArg(DType.Float32, [3, 5]), ConstArg.Ints(1), ConstArg.Bool(false), ConstArg.None], new Random(6), symbolic: false)!;
        Assert.Equal(GpuStageKind.Elementwise, s.Stages[0].Kind);
    }

    [Fact]
    public void WholeTensorReductionIntoAScalarIsOneGroup()
    {
        var s = GpuScheduleHarness.Check("aten::any", [new TensorArg(DType.Bool, [4, 9])], new Random(7))!;
        Assert.Equal([GpuStageKind.GroupPerRow, GpuStageKind.Single], s.Stages.Select(x => x.Kind));
        Assert.Equal("1", s.Stages[0].Work.ToString());
    }

    [Fact]
    public void MaxPropagatesNaNThroughTheTree()
    {
        var n = new Var("n");
        var x = new TeBuffer("x", DType.Float32, [n], [1]);
        var acc = TeBuffer.Contiguous("acc", DType.Float32, []);
        var outBuf = TeBuffer.Contiguous("out", DType.Float32, []);
        var r = new Var("r");
        var body = new AllocateStmt(acc, new BlockStmt([
            acc.Store([], Reducer.Max.Init(DType.Float32)),
            new ForStmt(r, 0, n, new ReduceStmt(acc, [], Reducer.Max, x.Load(r))),
            outBuf.Store([], acc.Load()),
        ]));
        var kernel = new TeKernel("amax", [n], [x], [outBuf], body);
        var s = GpuSchedule.Apply(kernel, 4);
        Assert.Equal(GpuStageKind.GroupPerRow, s.Stages[0].Kind);
        foreach (int nanAt in new[] { -1, 0, 5, 10 })
        {
            var data = Tensor.FromArray(Enumerable.Range(0, 11).Select(i => i == nanAt ? float.NaN : (float)i).ToArray(), [11]);
            var want = TeEvaluator.Run(kernel, [data])[0].ToDoubleArray()[0];
            var got = TeEvaluator.Run(s.Kernel, [data])[0].ToDoubleArray()[0];
            Assert.Equal(nanAt < 0 ? 10.0 : double.NaN, want);
            Assert.Equal(want, got);
        }
    }

    [Fact]
    public void CustomReducersStaySerial()
    {
        var n = new Var("n");
        var x = new TeBuffer("x", DType.Int64, [Expr.Int(3), n], [n, 1]);
        var outBuf = TeBuffer.Contiguous("out", DType.Int64, [Expr.Int(3)]);
        var (i, r, a, v) = (new Var("i"), new Var("r"), new Var("a"), new Var("v"));
        // acc * 3 + x: order matters, so no tree may reassociate it.
        var reducer = Reducer.Custom(a, v, a * 3 + v, Expr.Int(0));
        var body = new ForStmt(i, 0, 3, new BlockStmt([
            outBuf.Store([i], Expr.Int(1)),
            new ForStmt(r, 0, n, new ReduceStmt(outBuf, [i], reducer, x.Load(i, r))),
        ]));
        var kernel = new TeKernel("horner", [n], [x], [outBuf], body);
        var s = GpuSchedule.Apply(kernel, 4);
        Assert.Equal(GpuStageKind.Elementwise, s.Stages[0].Kind);
        var data = Tensor.FromArray(Enumerable.Range(0, 21).Select(k => (long)k).ToArray(), [3, 7]);
        Assert.Equal(TeEvaluator.Run(kernel, [data])[0].ToDoubleArray(), TeEvaluator.Run(s.Kernel, [data])[0].ToDoubleArray());
    }

    [Fact]
    public void LocalSizeMustBeAPowerOfTwo()
    {
        var (kernel, _) = GpuScheduleHarness.Lower("aten::neg", [new TensorArg(DType.Float32, [3])], new Random(8));
        Assert.Throws<ArgumentException>(() => GpuSchedule.Apply(kernel, 6));
    }

    [Fact]
    public void ScheduledKernelShowsItsGpuStructureAndVerifies()
    {
        var s = GpuScheduleHarness.Check("aten::softmax.int", [new TensorArg(DType.Float32, [3, 37]), ConstArg.Int(1), ConstArg.None], new Random(9))!;
        var text = s.Kernel.ToString();
        Assert.Contains("alloc global ", text);
        Assert.Contains("gpu.block.x", text);
        Assert.Contains("gpu.thread.x", text);
        Assert.Contains("alloc local red: float32[4]", text);
        Assert.Contains("barrier;", text);
        Assert.Contains("gpu.global.x", text);
        Assert.Empty(TeVerifier.Check(s.Kernel));
        Assert.Equal([GpuStageKind.GroupPerRow, GpuStageKind.GroupPerRow, GpuStageKind.Elementwise], s.Stages.Select(x => x.Kind));
        Assert.Equal(2, s.Temps.Count);
    }
}
