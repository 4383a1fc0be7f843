using Jit.Backends.Cpu;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Kernels;

/// <summary>
/// _native_multi_head_attention against attention written out in double, at sizes where a head's
/// products run as direct loops and where they run on the packed GEMM (the PyTorch cases are all
/// small), with and without a key padding mask and returned weights.
/// </summary>
public sealed class AttentionReferenceTests
{
    private static readonly KernelTable Kernels = new CpuBackend(Device.Cpu).Kernels;

    [Theory]
    [InlineData(2, 5, 8, 2, false)] // 5·5·4 multiply-adds a head: direct loops
    [InlineData(2, 24, 32, 2, false)] // 24·24·16: the packed GEMM
    [InlineData(1, 24, 32, 2, true)]
    [InlineData(3, 7, 12, 3, true)]
    public void MatchesAttentionWrittenOut(int b, int t, int e, int h, bool masked)
    {
        var rnd = new Random(b * 1000 + t * 10 + e);
        Tensor R(params long[] sizes)
        {
            var data = new float[sizes.Aggregate(1L, (x, y) => x * y)];
            for (int i = 0; i < data.Length; i++) data[i] = (float)(rnd.NextDouble() - 0.5);
            return Tensor.FromArray(data, sizes);
        }
        var x = R(b, t, e);
        Tensor qkvW = R(3 * e, e), qkvB = R(3 * e), projW = R(e, e), projB = R(e);
        var pad = new bool[b * t];
        // Mask the last key of every batch (never a whole row, which would be NaN).
        for (int i = 0; i < b; i++) pad[i * t + t - 1] = masked;
        IValue mask = masked ? Tensor.FromArray(pad, b, t) : IValue.None;
        IValue maskType = masked ? 1L : IValue.None;

        Assert.True(Kernels.TryGet("aten::_native_multi_head_attention", out var kernel));
        var outs = new IValue[2];
        kernel([x, x, x, (long)e, (long)h, qkvW, qkvB, projW, projB, mask, true, false, maskType], outs);
        var (expected, weights) = Reference(x, qkvW, qkvB, projW, projB, pad, b, t, e, h);
        ValueAssert.TensorClose(Tensor.FromArray(expected, b, t, e), outs[0].AsTensor, 1e-4, 1e-5, "output");
        ValueAssert.TensorClose(Tensor.FromArray(weights, b, h, t, t), outs[1].AsTensor, 1e-4, 1e-5, "weights");
    }

    private static (float[] Output, float[] Weights) Reference(Tensor xt, Tensor qkvWt, Tensor qkvBt, Tensor projWt, Tensor projBt,
        bool[] pad, int b, int t, int e, int h)
    {
        double[] x = xt.ToDoubleArray(), qkvW = qkvWt.ToDoubleArray(), qkvB = qkvBt.ToDoubleArray();
        double[] projW = projWt.ToDoubleArray(), projB = projBt.ToDoubleArray();
        int dh = e / h, rows = b * t;
        var qkv = new double[rows * 3 * e];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < 3 * e; o++)
            {
                double s = qkvB[o];
                for (int k = 0; k < e; k++) s += x[r * e + k] * qkvW[o * e + k];
                qkv[r * 3 * e + o] = s;
            }
        var context = new double[rows * e];
        var weights = new float[b * h * t * t];
        for (int bi = 0; bi < b; bi++)
            for (int hi = 0; hi < h; hi++)
                for (int i = 0; i < t; i++)
                {
                    var p = new double[t];
                    for (int j = 0; j < t; j++)
                    {
                        double s = 0;
                        for (int c = 0; c < dh; c++)
                            s += qkv[(bi * t + i) * 3 * e + hi * dh + c] * qkv[(bi * t + j) * 3 * e + e + hi * dh + c];
                        p[j] = pad[bi * t + j] ? double.NegativeInfinity : s / Math.Sqrt(dh);
                    }
                    double max = p.Max(), sum = p.Sum(v => Math.Exp(v - max));
                    for (int j = 0; j < t; j++)
                    {
                        p[j] = Math.Exp(p[j] - max) / sum;
                        weights[((bi * h + hi) * t + i) * t + j] = (float)p[j];
                        for (int c = 0; c < dh; c++)
                            context[(bi * t + i) * e + hi * dh + c] += p[j] * qkv[(bi * t + j) * 3 * e + 2 * e + hi * dh + c];
                    }
                }
        var output = new float[rows * e];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < e; o++)
            {
                double s = projB[o];
                for (int k = 0; k < e; k++) s += context[r * e + k] * projW[o * e + k];
                output[r * e + o] = (float)s;
            }
        return (output, weights);
    }
}
