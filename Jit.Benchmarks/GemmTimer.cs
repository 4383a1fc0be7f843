using System.Diagnostics;
using System.Globalization;
using Jit.Backends.Cpu;
using Jit.Backends.Cpu.Kernels;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Benchmarks;

/// <summary>
/// <c>-- gemm [--threads T] [--runs R] N...</c>: times aten::mm on float32 N x N x N through the
/// CPU kernel table and prints "N threads GFLOP/s (median of R)" lines, the same measure
/// tools/bench_gemm_openblas.sh takes of OpenBLAS's sgemm.
/// </summary>
public static class GemmTimer
{
    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        int threads = 1, runs = 7;
        var sizes = new List<int>();
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--threads") threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--runs") runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else sizes.Add(int.Parse(args[i], CultureInfo.InvariantCulture));
        }
        if (sizes.Count == 0) sizes.AddRange([128, 512, 1024]);
        using var cpu = new CpuBackend(Device.Cpu);
        cpu.Kernels.TryGet("aten::mm", out var mm);
        int saved = CpuThreads.Count;
        CpuThreads.Count = threads;
        try
        {
            foreach (int n in sizes)
            {
                var a = Filled(n, 1);
                var b = Filled(n, 2);
                var outputs = new IValue[1];
                double flops = 2.0 * n * n * n;
                // Repeat small products so each timed sample lasts a few milliseconds.
                int reps = Math.Max(1, (int)(2e8 / flops));
                var samples = new double[runs];
                var warm = Stopwatch.StartNew();
                while (warm.Elapsed.TotalSeconds < 0.3) mm([a, b], outputs);
                for (int r = 0; r < runs; r++)
                {
                    var sw = Stopwatch.StartNew();
                    for (int i = 0; i < reps; i++) mm([a, b], outputs);
                    samples[r] = flops * reps / sw.Elapsed.TotalSeconds / 1e9;
                }
                Array.Sort(samples);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n} {threads} {samples[runs / 2]:F1}"));
            }
        }
        finally
        {
            CpuThreads.Count = saved;
        }
        return 0;
    }

    private static Tensor Filled(int n, int seed)
    {
        var rng = new Random(seed);
        var data = new float[n * n];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.FromArray(data, n, n);
    }
}
