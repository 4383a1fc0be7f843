using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.TensorExpr;

/// <summary>Every schedule transformation computes what the original kernel computes (evaluator before vs after).</summary>
public sealed class TeScheduleTests
{
    private static readonly Var Row = new("out_i0");
    private static readonly Var Col = new("out_i1");

    private static TeKernel Softplusish()
    {
        // out[i, j] = log1p(exp(x[i, j])) * y[j] + sum_k x[i, k]: elementwise, broadcast and a reduction.
        var b = new TeBuilder("k");
        var n = b.Size("n");
        var m = b.Size("m");
        var x = b.Input("x", DType.Float32, [n, m]);
        var y = b.Input("y", DType.Float32, [m]);
        var s = b.Reduce("rs", DType.Float32, [n], [m], Reducer.Sum, (i, r) => x.Load(i[0], r[0]), output: false);
        b.Compute("out", DType.Float32, [n, m], i =>
            Expr.Call(Intrinsic.Log1p, Expr.Call(Intrinsic.Exp, x.LoadBroadcast(i))) * y.LoadBroadcast(i) + s.Load(i[0]));
        return b.Build();
    }

    public static TheoryData<int, int> OddSizes() => new() { { 7, 13 }, { 1, 1 }, { 0, 5 }, { 5, 8 }, { 3, 17 } };

    private static void AssertSameResults(TeKernel before, TeKernel after, int rows, int cols)
    {
        TeVerifier.Verify(after);
        var rng = new Random(rows * 100 + cols);
        var x = TeTestData.RandomStrided(rng, DType.Float32, rows, cols);
        var y = TeTestData.Random(rng, DType.Float32, cols);
        TeTestData.AssertClose(TeEvaluator.Run(before, [x, y])[0], TeEvaluator.Run(after, [x, y])[0]);
    }

    [Theory]
    [MemberData(nameof(OddSizes))]
    public void SplitWithTailPreservesResults(int rows, int cols)
    {
        var k = Softplusish();
        var split = TeSchedule.SplitWithTail(k, Col, 4);
        Assert.NotNull(split.Tail);
        var vec = TeSchedule.Vectorize(split.Kernel, split.Inner, 4);
        AssertSameResults(k, TeSchedule.Parallel(vec, Row), rows, cols);
    }

    [Theory]
    [MemberData(nameof(OddSizes))]
    public void SplitWithMaskAndGpuBindingPreserveResults(int rows, int cols)
    {
        var k = Softplusish();
        var split = TeSchedule.SplitWithMask(k, Col, 8);
        var bound = TeSchedule.BindGpuThread(TeSchedule.BindGpuBlock(split.Kernel, split.Outer, 0), split.Inner, 0);
        Assert.Contains("gpu.block.x", bound.ToString());
        Assert.Contains("if (out_i1_outer * 8 + out_i1_inner < m)", bound.ToString());
        AssertSameResults(k, bound, rows, cols);
    }

    [Theory]
    [MemberData(nameof(OddSizes))]
    public void ReorderAndUnrollPreserveResults(int rows, int cols)
    {
        var k = Softplusish();
        var r = TeSchedule.Reorder(k, Col, Row);
        Assert.Matches(@"for out_i1 in \[0, m\) \{\s+for out_i0 in \[0, n\)", r.ToString());
        AssertSameResults(k, TeSchedule.Unroll(r, Row, 2), rows, cols);
    }

    [Fact]
    public void SplitOfAKnownMultipleHasNoTail()
    {
        var b = new TeBuilder("c");
        var x = b.Input("x", DType.Int32, [12], contiguous: true);
        b.Compute("y", DType.Int32, [12], i => x.Load(i[0]) * 2);
        var split = TeSchedule.SplitWithTail(b.Build(), new Var("y_i0"), 4);
        Assert.Null(split.Tail);
        Assert.Equal("""
            for y_i0_outer in [0, 3) {
              for y_i0_inner in [0, 4) {
                y[y_i0_outer * 4 + y_i0_inner] = x[y_i0_outer * 4 + y_i0_inner] * int32(2);
              }
            }

            """.ReplaceLineEndings("\n"), split.Kernel.Body.ToString());
    }

    [Fact]
    public void RejectsUnknownLoopsAndImperfectNests()
    {
        var k = Softplusish();
        Assert.Throws<JitIrException>(() => TeSchedule.Parallel(k, new Var("nope")));
        Assert.Throws<JitIrException>(() => TeSchedule.Reorder(k, new Var("rs_i0"), new Var("rs_r0"), Col));
        Assert.Throws<ArgumentOutOfRangeException>(() => TeSchedule.SplitWithTail(k, Col, 0));
    }
}
