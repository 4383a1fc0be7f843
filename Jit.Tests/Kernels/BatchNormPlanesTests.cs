using Jit.Backends.Cpu.Kernels.Common;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Kernels;

/// <summary>Float32 inference batch norm (per-channel alpha and beta, vectorized planes) against the formula in double.</summary>
public sealed class BatchNormPlanesTests
{
    [Theory]
    [InlineData(2, 3, 5, 7, true)]   // planes of 35: vector and tail
    [InlineData(1, 4, 4, 4, false)]  // no weight or bias
    [InlineData(3, 2, 1, 1, true)]   // one element per plane
    public void MatchesTheFormula(int n, int c, int h, int w, bool affine)
    {
        var random = new Random(n * 100 + c);
        Tensor Values(params long[] sizes)
        {
            var t = Tensor.Empty(DType.Float32, sizes);
            var s = t.ContiguousSpan<float>();
            for (int i = 0; i < s.Length; i++) s[i] = (float)(random.NextDouble() * 4 - 2);
            return t;
        }
        var x = Values(n, c, h, w);
        var mean = Values(c);
        var var = Values(c);
        foreach (ref var v in var.ContiguousSpan<float>()) v = Math.Abs(v) + 0.1f;
        Tensor? weight = affine ? Values(c) : null, bias = affine ? Values(c) : null;
        Assert.True(BatchNormPlanes.Applies(x, weight, bias, mean, var));
        var y = Tensor.Empty(DType.Float32, x.Sizes);
        BatchNormPlanes.Run(x, weight, bias, mean, var, 1e-5, y);
        var xs = x.ContiguousSpan<float>();
        var ys = y.ContiguousSpan<float>();
        int plane = h * w;
        for (int e = 0; e < xs.Length; e++)
        {
            int ch = e / plane % c;
            double want = (xs[e] - (double)mean.ContiguousSpan<float>()[ch]) / Math.Sqrt(var.ContiguousSpan<float>()[ch] + 1e-5)
                * (weight is null ? 1 : weight.ContiguousSpan<float>()[ch]) + (bias is null ? 0 : bias.ContiguousSpan<float>()[ch]);
            Assert.True(Math.Abs(ys[e] - want) <= 1e-5 + 1e-5 * Math.Abs(want), $"element {e}: {ys[e]}, expected {want}");
        }
    }

    [Fact]
    public void PerChannelTensorsOfAnotherShapeTakeTheCheckedPath()
    {
        var x = Tensor.Empty(DType.Float32, 1, 3, 2, 2);
        var perChannel = Tensor.Empty(DType.Float32, 3);
        Assert.False(BatchNormPlanes.Applies(x, Tensor.Empty(DType.Float32, 1, 3), null, perChannel, perChannel));
        Assert.False(BatchNormPlanes.Applies(x, null, null, Tensor.Empty(DType.Float32, 4), perChannel));
    }
}
