using System.Diagnostics;
using System.Globalization;
using Jit.Backends.Cpu;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Benchmarks;

/// <summary>
/// <c>-- conv [--runs R] [--fixtures | --mobile]</c> (<c>--fixtures</c>: leave out the large reference shape;
/// <c>--mobile</c>: the pointwise convs of mobilenet_v2 / efficientnet, small K or small N, and a 3x3 for contrast): times the out-variant of conv2d (with the relu the fixtures fuse into
/// it) on the convolutions of the cnn and resnet_block fixtures, through the CPU kernel table as
/// the static runtime calls it, and prints "shape µs GFLOP/s" lines (median of R samples, each a
/// few milliseconds of back-to-back calls, and the fastest sample). Time is this thread's CPU time, which other processes
/// on a busy machine inflate far less than wall-clock time.
/// </summary>
public static class ConvTimer
{
    // N, C, H, W, OC, K, stride, padding: every conv of the two fixtures.
    private static readonly (int N, int C, int H, int W, int OC, int K, int S, int P)[] Shapes =
    [
        (2, 3, 16, 16, 8, 3, 1, 1), (2, 8, 8, 8, 16, 3, 2, 1),
        (1, 3, 12, 12, 8, 3, 1, 1), (1, 8, 12, 12, 8, 3, 1, 1), (1, 8, 12, 12, 16, 3, 2, 1), (1, 16, 6, 6, 16, 3, 1, 1), (1, 8, 12, 12, 16, 1, 2, 0),
        (1, 64, 56, 56, 64, 3, 1, 1),
    ];

    private static readonly (int N, int C, int H, int W, int OC, int K, int S, int P)[] Mobile =
    [
        (1, 16, 112, 112, 96, 1, 1, 0), (1, 24, 56, 56, 144, 1, 1, 0), (1, 144, 56, 56, 24, 1, 1, 0),
        (1, 32, 28, 28, 192, 1, 1, 0), (1, 64, 14, 14, 384, 1, 1, 0), (1, 384, 14, 14, 64, 1, 1, 0),
        (1, 320, 7, 7, 1280, 1, 1, 0), (1, 960, 7, 7, 160, 1, 1, 0), (1, 576, 14, 14, 96, 1, 1, 0),
        (1, 64, 56, 56, 64, 3, 1, 1), (1, 3, 224, 224, 32, 3, 2, 1),
    ];

    private static readonly (int N, int C, int H, int W, int OC, int K, int S, int P)[] Extra =
    [
        (1, 96, 56, 56, 24, 1, 1, 0), (1, 144, 28, 28, 32, 1, 1, 0), (1, 192, 28, 28, 32, 1, 1, 0), (1, 192, 14, 14, 64, 1, 1, 0),
        (1, 384, 14, 14, 96, 1, 1, 0), (1, 96, 14, 14, 576, 1, 1, 0), (1, 160, 7, 7, 960, 1, 1, 0), (1, 32, 112, 112, 16, 1, 1, 0),
        (1, 16, 56, 56, 96, 1, 1, 0), (1, 24, 28, 28, 144, 1, 1, 0), (1, 40, 28, 28, 240, 1, 1, 0), (1, 80, 14, 14, 480, 1, 1, 0),
        (1, 256, 14, 14, 256, 3, 1, 1), (1, 512, 7, 7, 512, 3, 1, 1), (1, 128, 28, 28, 256, 3, 2, 1), (1, 64, 56, 56, 128, 1, 2, 0),
        (1, 3, 224, 224, 64, 7, 2, 3),
    ];

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        int runs = 9;
        var shapes = Shapes.ToList();
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--runs") runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--fixtures") shapes = shapes.Where(s => s.C * s.H * s.W < 4096).ToList();
            else if (args[i] == "--mobile") shapes = Mobile.ToList();
            else if (args[i] == "--extra") shapes = Extra.ToList();
        }
        using var cpu = new CpuBackend(Device.Cpu);
        cpu.Kernels.TryGetOut("aten::cudnn_convolution_relu", out var conv);
        foreach (var s in shapes)
        {
            var x = Filled(1, s.N, s.C, s.H, s.W);
            var w = Filled(2, s.OC, s.C, s.K, s.K);
            var b = Filled(3, s.OC);
            int oh = (s.H + 2 * s.P - s.K) / s.S + 1, ow = (s.W + 2 * s.P - s.K) / s.S + 1;
            var y = Tensor.Empty(DType.Float32, s.N, s.OC, oh, ow);
            IValue[] ins = [x, w, b, Ints(s.S), Ints(s.P), Ints(1), 1];
            IValue[] outs = [y];
            double flops = 2.0 * s.N * s.OC * oh * ow * s.C * s.K * s.K;
            int reps = Math.Max(1, (int)(2e7 / flops));
            // Long enough for .NET's tiered compiler to have swapped in optimized code.
            var warm = Stopwatch.StartNew();
            while (warm.Elapsed.TotalSeconds < 0.5) conv(ins, outs);
            var samples = new double[runs];
            for (int r = 0; r < runs; r++)
            {
                long start = ThreadCpuTime.Nanoseconds();
                for (int i = 0; i < reps; i++) conv(ins, outs);
                samples[r] = (ThreadCpuTime.Nanoseconds() - start) / 1e3 / reps;
            }
            Array.Sort(samples);
            double us = samples[runs / 2];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.N}x{s.C}x{s.H}x{s.W} -> {s.OC} k{s.K} s{s.S} p{s.P}: {us:F2} µs {flops / us / 1e3:F1} GFLOP/s (min {samples[0]:F2} µs, {flops / samples[0] / 1e3:F1} GFLOP/s)"));
        }
        return 0;
    }

    private static IValue Ints(long v) => IValue.FromList(new IValueList(Jit.Ir.IntType.Instance, [IValue.FromInt(v), IValue.FromInt(v)]));

    private static Tensor Filled(int seed, params long[] sizes)
    {
        var rng = new Random(seed);
        var t = Tensor.Empty(DType.Float32, sizes);
        var span = t.ContiguousSpan<float>();
        for (int i = 0; i < span.Length; i++) span[i] = (float)(rng.NextDouble() * 2 - 1);
        return t;
    }
}
