using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;
using static Jit.Tests.Kernels.ShapeTestValues;

namespace Jit.Tests.Kernels;

/// <summary>conv2d (im2col + GEMM) against a direct seven-loop convolution over many geometries.</summary>
public sealed class ConvKernelTests
{
    private static Tensor Direct(Tensor x, Tensor w, Tensor b, long[] s, long[] p, long[] d, long groups, long oh, long ow)
    {
        long n = x.Sizes[0], c = x.Sizes[1], h = x.Sizes[2], wd = x.Sizes[3];
        long oc = w.Sizes[0], cg = w.Sizes[1], kh = w.Sizes[2], kw = w.Sizes[3], ocg = oc / groups;
        var r = Tensor.Empty(DType.Float64, n, oc, oh, ow);
        for (long bi = 0; bi < n; bi++)
        for (long o = 0; o < oc; o++)
        for (long y = 0; y < oh; y++)
        for (long xx = 0; xx < ow; xx++)
        {
            double sum = b.GetDouble(o);
            long g = o / ocg;
            for (long ci = 0; ci < cg; ci++)
            for (long i = 0; i < kh; i++)
            for (long j = 0; j < kw; j++)
            {
                long iy = y * s[0] - p[0] + i * d[0], ix = xx * s[1] - p[1] + j * d[1];
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                sum += x.GetDouble(((bi * c + g * cg + ci) * h + iy) * wd + ix) * w.GetDouble(((o * cg + ci) * kh + i) * kw + j);
            }
            r.SetDouble(((bi * oc + o) * oh + y) * ow + xx, sum);
        }
        return r;
    }

    [Theory]
    [InlineData(2, 4, 9, 8, 6, 3, 3, 1, 1, 0, 0, 1, 1, 1)]
    [InlineData(1, 6, 11, 7, 6, 3, 3, 2, 1, 1, 2, 1, 1, 6)]
    [InlineData(1, 4, 12, 12, 8, 3, 2, 3, 2, 2, 1, 2, 3, 2)]
    [InlineData(3, 2, 5, 6, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1)]
    [InlineData(1, 3, 16, 16, 5, 5, 5, 1, 1, 2, 2, 1, 1, 1)]
    [InlineData(2, 6, 17, 15, 4, 3, 2, 2, 3, 1, 0, 2, 2, 2)]
    [InlineData(1, 3, 9, 20, 5, 1, 3, 1, 2, 0, 3, 1, 3, 1)]
    // Depthwise: every stride, dilation and padding mix, row tails shorter and longer than a vector.
    [InlineData(2, 5, 13, 29, 5, 3, 3, 2, 2, 1, 1, 1, 1, 5)]
    [InlineData(1, 4, 11, 11, 4, 5, 5, 1, 1, 2, 2, 1, 1, 4)]
    [InlineData(1, 3, 17, 19, 3, 3, 5, 3, 2, 2, 0, 2, 1, 3)]
    [InlineData(1, 2, 9, 37, 2, 3, 3, 1, 3, 0, 4, 2, 3, 2)]
    [InlineData(1, 3, 7, 5, 3, 7, 7, 1, 1, 3, 3, 1, 1, 3)]
    [InlineData(2, 2, 1, 1, 2, 1, 1, 1, 1, 0, 0, 1, 1, 2)]
    public void MatchesDirectConvolution(long n, long c, long h, long w, long oc, long kh, long kw,
        long sh, long sw, long ph, long pw, long dh, long dw, long groups)
    {
        var x = Random(DType.Float64, 1, n, c, h, w);
        var wt = Random(DType.Float64, 2, oc, c / groups, kh, kw);
        var b = Random(DType.Float64, 3, oc);
        CpuKernels.TryGet("aten::conv2d", out var conv);
        var o = new IValue[1];
        conv([x, wt, b, Ints(sh, sw), Ints(ph, pw), Ints(dh, dw), groups], o);
        long oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        ValueAssert.TensorClose(Direct(x, wt, b, [sh, sw], [ph, pw], [dh, dw], groups, oh, ow), o[0].AsTensor, 1e-9, 1e-9);
    }

    /// <summary>Float32 through each fast path (1x1 in place, im2col, depthwise), plain and with the fused relu.</summary>
    [Theory]
    [InlineData("1x1", 2, 16, 9, 7, 24, 1, 1, 1, 0, 1)]
    [InlineData("3x3", 1, 8, 13, 11, 20, 3, 3, 1, 1, 1)]
    [InlineData("strided", 2, 5, 15, 12, 7, 3, 3, 2, 0, 1)]
    [InlineData("padded", 1, 3, 6, 9, 33, 5, 5, 1, 2, 1)]
    [InlineData("grouped", 2, 8, 10, 10, 12, 3, 3, 1, 1, 4)]
    [InlineData("depthwise", 2, 24, 17, 19, 24, 3, 3, 1, 1, 24)]
    [InlineData("depthwise strided", 1, 16, 20, 20, 16, 3, 3, 2, 1, 16)]
    [InlineData("depthwise 5x5 strided", 2, 12, 23, 23, 12, 5, 5, 2, 2, 12)]
    [InlineData("depthwise strided wide rows", 1, 8, 9, 61, 8, 3, 3, 2, 0, 8)]
    [InlineData("depthwise 7x7 row pairs", 1, 8, 13, 21, 8, 7, 7, 1, 3, 8)]
    [InlineData("depthwise 5x5 row pairs", 2, 6, 12, 17, 6, 5, 5, 1, 2, 6)]
    [InlineData("depthwise 7x7 strided odd padding", 1, 8, 12, 45, 8, 7, 7, 2, 3, 8)]
    [InlineData("winograd", 1, 16, 17, 19, 24, 3, 3, 1, 1, 1)]
    [InlineData("winograd unpadded", 2, 20, 18, 18, 16, 3, 3, 1, 0, 1)]
    [InlineData("1x1 strided", 1, 8, 9, 9, 8, 1, 1, 2, 0, 1)]
    public void Float32FastPathsMatchTheDirectConvolution(string path, long n, long c, long h, long w, long oc,
        long kh, long kw, long s, long p, long groups)
    {
        var x = Random(DType.Float32, 1, n, c, h, w);
        var wt = Random(DType.Float32, 2, oc, c / groups, kh, kw);
        var b = Random(DType.Float32, 3, oc);
        long oh = (h + 2 * p - kh) / s + 1, ow = (w + 2 * p - kw) / s + 1;
        var expected = Direct(x, wt, b, [s, s], [p, p], [1, 1], groups, oh, ow);
        CpuKernels.TryGet("aten::conv2d", out var conv);
        var o = new IValue[1];
        conv([x, wt, b, Ints(s, s), Ints(p, p), Ints(1, 1), groups], o);
        var tol = 1e-5 * (c / groups * kh * kw + 4);
        ValueAssert.TensorClose(AsFloat32(expected), o[0].AsTensor, tol, tol);
        CpuKernels.TryGet("aten::cudnn_convolution_relu", out var convRelu);
        convRelu([x, wt, b, Ints(s, s), Ints(p, p), Ints(1, 1), groups], o);
        var fused = o[0].AsTensor;
        var relu = Tensor.Empty(DType.Float64, expected.Sizes);
        for (long e = 0; e < relu.NumElements; e++) relu.SetDouble(e, Math.Max(expected.GetDouble(e), 0));
        ValueAssert.TensorClose(AsFloat32(relu), fused, tol, tol);
        Assert.False(string.IsNullOrEmpty(path));
    }

    private static Tensor AsFloat32(Tensor t)
    {
        var r = Tensor.Empty(DType.Float32, t.Sizes);
        t.CopyTo(r);
        return r;
    }

    [Fact]
    public void WinogradAddsBiasThenResidualThenRelu()
    {
        // 3x3, stride 1, 32 channels over 24x24: the Winograd path (ConvWinograd), through the fused residual.
        var x = Random(DType.Float32, 1, 1, 32, 24, 24);
        var wt = Random(DType.Float32, 2, 32, 32, 3, 3);
        var b = Random(DType.Float32, 3, 32);
        var z = Random(DType.Float32, 4, 1, 32, 24, 24);
        var expected = Direct(x, wt, b, [1, 1], [1, 1], [1, 1], 1, 24, 24);
        for (long e = 0; e < expected.NumElements; e++) expected.SetDouble(e, Math.Max(expected.GetDouble(e) + z.GetDouble(e), 0));
        CpuKernels.TryGet("aten::cudnn_convolution_add_relu", out var conv);
        var o = new IValue[1];
        conv([x, wt, z, 1L, b, Ints(1, 1), Ints(1, 1), Ints(1, 1), 1L], o);
        var tol = 1e-5 * (32 * 9 + 4);
        ValueAssert.TensorClose(AsFloat32(expected), o[0].AsTensor, tol, tol);
        // Split across threads (transforms by channel, GEMMs by output): the same bits.
        int saved = Jit.Backends.Cpu.Kernels.CpuThreads.Count;
        try
        {
            Jit.Backends.Cpu.Kernels.CpuThreads.Count = 2;
            var o2 = new IValue[1];
            conv([x, wt, z, 1L, b, Ints(1, 1), Ints(1, 1), Ints(1, 1), 1L], o2);
            Assert.Equal(o[0].AsTensor.ToDoubleArray(), o2[0].AsTensor.ToDoubleArray());
        }
        finally
        {
            Jit.Backends.Cpu.Kernels.CpuThreads.Count = saved;
        }
    }
}
