using System.Diagnostics;
using System.Globalization;
using Jit.Backends.Cpu.Codegen;
using Jit.Backends.Cpu.Kernels;
using Jit.Serialization.Npy;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Benchmarks;

/// <summary>
/// Quick medians for the fused-kernel targets (BenchmarkDotNet versions in <see cref="FusedBenchmarks"/>):
/// <c>-- fused [--runs R] [--threads T]</c> prints GB/s of a plain 16M-float copy and of the
/// compiled 5-op chain over the same bytes, and their ratio; <c>-- elementwise [--runs R]</c>
/// checks the compiled elementwise kernel against the PyTorch fixture and prints
/// "shape median-microseconds" lines for tools/compare_elementwise.sh.
/// </summary>
public static class FusedTimer
{
    public static int Run(string mode, IReadOnlyList<string> args, TextWriter output)
    {
        int runs = 21, threads = 1;
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--runs") runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--threads") threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
        }
        int saved = CpuThreads.Count;
        CpuThreads.Count = threads;
        try
        {
            if (mode == "fused") Bandwidth(runs, output);
            else Elementwise(runs, output);
        }
        finally
        {
            CpuThreads.Count = saved;
        }
        return 0;
    }

    private static unsafe void Bandwidth(int runs, TextWriter output)
    {
        const int n = 16 << 20;
        var x = Tensor.Empty(DType.Float32, n);
        var y = Tensor.Empty(DType.Float32, n);
        var span = x.ContiguousSpan<float>();
        for (int i = 0; i < n; i++) span[i] = (i % 1000) * 0.001f - 0.5f;
        var kernel = TeKernelCache.Shared.GetOrCompile(FusedKernels.Chain5());
        long bytes = 2L * n * sizeof(float);
        double copy = Median(runs, () =>
        {
            fixed (float* s = x.ContiguousSpan<float>())
            fixed (float* d = y.ContiguousSpan<float>())
            {
                Buffer.MemoryCopy(s, d, (long)n * 4, (long)n * 4);
            }
        });
        double fused = Median(runs, () => kernel.Run([x], [y]));
        output.WriteLine($"16M float32, {CpuThreads.Count} thread(s), vector width {kernel.VectorBits}, median of {runs}");
        output.WriteLine($"memory copy     {bytes / copy / 1e9,8:F2} GB/s   ({copy * 1e3:F2} ms)");
        output.WriteLine($"fused 5-op TE   {bytes / fused / 1e9,8:F2} GB/s   ({fused * 1e3:F2} ms)");
        output.WriteLine($"ratio           {copy / fused * 100,8:F1} %");
    }

    private static void Elementwise(int runs, TextWriter output)
    {
        var kernel = TeKernelCache.Shared.GetOrCompile(FusedKernels.Elementwise());
        var dir = FixtureDir();
        if (dir is not null)
        {
            var x = NpyFormat.Read(Path.Combine(dir, "input0.npy"));
            var y = NpyFormat.Read(Path.Combine(dir, "input1.npy"));
            var want = NpyFormat.Read(Path.Combine(dir, "output0.npy"));
            var got = kernel.Run([x, y])[0];
            var reference = TeEvaluator.Run(kernel.Kernel, [x, y])[0];
            double errTorch = 0, errEval = 0;
            for (long i = 0; i < want.NumElements; i++)
            {
                errTorch = Math.Max(errTorch, Math.Abs(got.GetDouble(i) - want.GetDouble(i)));
                errEval = Math.Max(errEval, Math.Abs(got.GetDouble(i) - reference.GetDouble(i)));
            }
            Console.Error.WriteLine($"# elementwise fixture: max |ours - torch| = {errTorch:G3}, max |ours - evaluator| = {errEval:G3}");
        }
        foreach (var (rows, cols) in new[] { (3, 37), (256, 4096) })
        {
            var rng = new Random(1);
            var x = Tensor.Empty(DType.Float32, rows, cols);
            var y = Tensor.Empty(DType.Float32, rows, cols);
            for (long i = 0; i < x.NumElements; i++)
            {
                x.SetDouble(i, rng.NextDouble() * 4 - 2);
                y.SetDouble(i, rng.NextDouble() * 4 - 2);
            }
            var o = Tensor.Empty(DType.Float32, rows, cols);
            // Small shapes repeat the call so each sample lasts about a millisecond.
            int reps = (int)Math.Max(1, 200_000 / x.NumElements);
            double t = Median(runs, () =>
            {
                for (int r = 0; r < reps; r++) kernel.Run([x, y], [o]);
            }) / reps;
            output.WriteLine($"{rows}x{cols}\t{t * 1e6:F2}");
        }
    }

    private static string? FixtureDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var p = Path.Combine(d.FullName, "Jit.Tests", "fixtures", "models", "elementwise");
            if (Directory.Exists(p)) return p;
        }
        return null;
    }

    private static double Median(int runs, Action body)
    {
        body();
        var times = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            var sw = Stopwatch.StartNew();
            body();
            times[r] = sw.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }
}
