using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Kernels.ShapeTestValues;

namespace Jit.Tests.Kernels;

/// <summary>
/// The float32 paths ConvNeXt's blocks take (linear as one GEMM over folded rows, layer norm in
/// float over any layout, the strided vector binary loop) at their edges, against a direct double
/// computation.
/// </summary>
public sealed class StridedFloatKernelTests
{
    private static Tensor Run(string op, params IValue[] args)
    {
        Assert.True(CpuKernels.TryGet(op, out var kernel), op);
        var results = new IValue[1];
        kernel(args, results);
        return results[0].AsTensor;
    }

    private static Tensor RunOut(string op, Tensor destination, params IValue[] args)
    {
        Assert.True(CpuKernels.TryGetOut(op, out var kernel), op);
        kernel(args, [destination]);
        return destination;
    }

    // NCHW storage seen as NHWC.
    private static Tensor Nhwc(int seed, long n, long c, long h, long w) =>
        Random(DType.Float32, seed, n, c, h, w).AsStrided([n, h, w, c], [c * h * w, w, 1, h * w]);

    [Fact]
    public void LinearOverAnEmptyContractionIsTheBias()
    {
        var x = Tensor.Empty(DType.Float32, 2, 3, 0);
        var w = Tensor.Empty(DType.Float32, 4, 0);
        var b = Random(DType.Float32, 1, 4);
        var expected = Enumerable.Range(0, 6).SelectMany(_ => b.ToDoubleArray()).ToArray();
        Assert.Equal(expected, Run("aten::linear", x, w, b).ToDoubleArray());
        var y = Tensor.Empty(DType.Float32, 2, 3, 4);
        Assert.Equal(expected, RunOut("aten::linear", y, x, w, b).ToDoubleArray());
        Assert.Equal([2L, 0, 4], Run("aten::linear", Tensor.Empty(DType.Float32, 2, 0, 5), Random(DType.Float32, 2, 4, 5), b).SizesArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LinearOfAPermutedInputIsOneProductOverItsRows(bool outVariant)
    {
        // 61 rows (not a multiple of the register tile), 37 features in, 35 out (two full 16-column panels and an edge).
        var x = Nhwc(3, 1, 37, 1, 61);
        var w = Random(DType.Float32, 4, 35, 37);
        var b = Random(DType.Float32, 5, 35);
        var y = outVariant ? RunOut("aten::linear", Tensor.Empty(DType.Float32, 1, 1, 61, 35), x, w, b) : Run("aten::linear", x, w, b);
        double[] xs = x.ToDoubleArray(), ws = w.ToDoubleArray(), bs = b.ToDoubleArray(), ys = y.ToDoubleArray();
        for (int r = 0; r < 61; r++)
            for (int j = 0; j < 35; j++)
            {
                double e = bs[j];
                for (int k = 0; k < 37; k++) e += xs[r * 37 + k] * ws[j * 37 + k];
                Assert.True(Math.Abs(ys[r * 35 + j] - e) <= 1e-5 * (1 + Math.Abs(e)), $"row {r} col {j}: {ys[r * 35 + j]} vs {e}");
            }
    }

    [Theory]
    [InlineData(96, 0.0)]
    [InlineData(1000, 30.0)]
    [InlineData(7, -3.0)]
    public void FloatLayerNormMatchesTheDoubleFormula(int n, double offset)
    {
        var x = Random(DType.Float32, 6, 5, n);
        for (long i = 0; i < x.NumElements; i++) x.SetDouble(i, x.ReadDouble(i) + offset);
        var w = Random(DType.Float32, 7, n);
        var b = Random(DType.Float32, 8, n);
        var y = Run("aten::layer_norm", x, Ints(n), w, b, 1e-6, true).ToDoubleArray();
        double[] xs = x.ToDoubleArray(), ws = w.ToDoubleArray(), bs = b.ToDoubleArray();
        for (int r = 0; r < 5; r++)
        {
            var row = xs.AsSpan(r * n, n);
            double mean = 0, var = 0;
            foreach (var v in row) mean += v;
            mean /= n;
            foreach (var v in row) var += (v - mean) * (v - mean);
            double rstd = 1 / Math.Sqrt(var / n + 1e-6);
            for (int j = 0; j < n; j++)
            {
                double e = (row[j] - mean) * rstd * ws[j] + bs[j];
                Assert.True(Math.Abs(y[r * n + j] - e) <= 1e-5 * (1 + Math.Abs(e)), $"row {r} [{j}]: {y[r * n + j]} vs {e}");
            }
        }
    }

    [Fact]
    public void NativeLayerNormOfAPermutedInputGivesRowStatistics()
    {
        var x = Nhwc(9, 2, 6, 3, 4);
        Assert.True(CpuKernels.TryGet("aten::native_layer_norm", out var kernel));
        var results = new IValue[3];
        kernel([x, Ints(6), IValue.None, IValue.None, 1e-5], results);
        var xs = x.ToDoubleArray();
        var mean = results[1].AsTensor;
        Assert.Equal([2L, 3, 4, 1], mean.SizesArray());
        var means = mean.ToDoubleArray();
        for (int r = 0; r < 24; r++) Assert.Equal(xs.Skip(r * 6).Take(6).Average(), means[r], 1e-6);
    }

    [Fact]
    public void TheStridedLoopLeavesAnOverlappingOperandToTheKernel()
    {
        var y = Random(DType.Float32, 10, 8, 8);
        // y += yᵀ reads elements the loop would already have written.
        Assert.False(StridedMathZip.TryRun(ZipOp.Add, y, Transposed(y), y));
        var expected = Run("aten::add.Tensor", y, Transposed(y), 1L).ToDoubleArray();
        Assert.Equal(expected, Run("aten::add_.Tensor", y, Transposed(y), 1L).ToDoubleArray());
        // Self as its own operand is fine.
        var z = Random(DType.Float32, 11, 3, 9);
        var twice = z.ToDoubleArray().Select(v => v * 2).ToArray();
        Assert.True(StridedMathZip.TryRun(ZipOp.Add, z, z, z));
        Assert.Equal(twice, z.ToDoubleArray());
    }

    [Fact]
    public void TheStridedLoopRoundsA0DOperandToFloatAndRejectsALargerBroadcast()
    {
        var x = Nhwc(12, 1, 9, 2, 11);
        var d = Tensor.Empty(DType.Float64);
        d.SetDouble(0, 0.1);
        var y = Run("aten::mul.Tensor", x, d);
        Assert.Equal(DType.Float32, y.DType);
        Assert.Equal(x.ToDoubleArray().Select(v => (double)((float)v * 0.1f)).ToArray(), y.ToDoubleArray());
        // [9] into a [2, 11, 9] destination is fine; a [2, 1, 1, 9] operand would broadcast past it.
        Assert.True(StridedMathZip.TryRun(ZipOp.Mul, x, Random(DType.Float32, 13, 9), Tensor.Empty(DType.Float32, 1, 2, 11, 9)));
        Assert.False(StridedMathZip.TryRun(ZipOp.Mul, x, Random(DType.Float32, 14, 2, 1, 1, 9), Tensor.Empty(DType.Float32, 1, 2, 11, 9)));
    }

    [Fact]
    public void InPlaceSubtractionWritesAPermutedSelf()
    {
        var self = Nhwc(15, 1, 10, 3, 13);
        var other = Random(DType.Float32, 16, 1, 3, 13, 10);
        var expected = self.ToDoubleArray().Zip(other.ToDoubleArray(), (a, b) => (double)((float)a - (float)b)).ToArray();
        var r = Run("aten::add_.Tensor", self, other, -1L);
        Assert.Same(self, r);
        Assert.Equal(expected, self.ToDoubleArray());
    }
}
