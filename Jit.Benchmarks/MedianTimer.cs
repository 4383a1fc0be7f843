using System.Diagnostics;
using System.Globalization;
using Jit.Modules;

namespace Jit.Benchmarks;

/// <summary>
/// <c>time FILE...</c>: the median of many loads per file, measured the way tools/bench_load_pytorch.py
/// measures PyTorch (warm-up, then one timing per load), so tools/compare_load.sh can set them side by
/// side. BenchmarkDotNet's <see cref="LoadBenchmarks"/> is the careful measurement; this is the quick one.
/// </summary>
public static class MedianTimer
{
    public static void Run(IEnumerable<string> files, int runs, TextWriter output)
    {
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            // Half a second of warm-up lets tiered compilation reach its optimised code, as
            // BenchmarkDotNet's warm-up does; PyTorch's loaders are native code from the start.
            var warm = Stopwatch.StartNew();
            for (int i = 0; i < 5 || warm.ElapsedMilliseconds < 500; i++) JitModule.Load(bytes).MethodGraph("forward");
            var times = new double[runs];
            for (int i = 0; i < runs; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                JitModule.Load(bytes).MethodGraph("forward");
                times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
            Array.Sort(times);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}\t{times[runs / 2]:F1}"));
        }
    }
}
