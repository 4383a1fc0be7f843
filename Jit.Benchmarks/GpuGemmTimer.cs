using System.Diagnostics;
using System.Globalization;
using Jit.Backends.Cpu;
using Jit.Backends.Cpu.Kernels;
using Jit.Backends.OpenCL;
using Jit.Codegen;
using Jit.Kernels;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Benchmarks;

/// <summary>
/// <c>-- gpu-gemm [--runs R] N...</c>: float32 N x N x N aten::mm on the OpenCL device (PoCL here),
/// the tiled GPU template against the untiled loop-nest template, and the CPU backend's kernel, in
/// one run: "N form GFLOP/s (median of R after warm-up)" lines, plus the largest difference of each
/// device result from the CPU kernel's.
/// </summary>
public static class GpuGemmTimer
{
    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        int runs = 5;
        var sizes = new List<int>();
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--runs") runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else sizes.Add(int.Parse(args[i], CultureInfo.InvariantCulture));
        }
        if (sizes.Count == 0) sizes.Add(1024);
        using var cpu = new CpuBackend(Device.Cpu);
        using var gpu = new OpenCLBackend(new Device(DeviceKind.OpenCL));
        cpu.Kernels.TryGet("aten::mm", out var mm);
        output.WriteLine($"# {gpu.Info}; CPU kernel on {CpuThreads.Count} threads");
        foreach (int n in sizes)
        {
            IValue[] host = [IValue.FromTensor(Filled(n, 1)), IValue.FromTensor(Filled(n, 2))];
            IValue[] device = [.. host.Select(v => IValue.FromTensor(v.AsTensor.ToDevice(gpu.Allocator)))];
            var expected = new IValue[1];
            double flops = 2.0 * n * n * n;
            Report(output, n, "cpu-mm", flops, Median(runs, () => mm(host, expected)));
            foreach (var (form, target) in new[] { ("opencl-tiled", KernelTarget.Gpu), ("opencl-untiled", KernelTarget.Cpu) })
            {
                if (!ExternKernels.TryBuild("aten::mm", host, target, out var kernel, out var reason)) throw new InvalidOperationException(reason);
                var program = gpu.Compile(OpenCLRenderer.Render(kernel.Kernel, (int)Math.Min(GpuSchedule.DefaultLocalSize, gpu.Info.MaxWorkGroupSize)));
                IValue[] result = [IValue.FromTensor(Tensor.EmptyOn(gpu.Allocator, DType.Float32, [n, n]))];
                double seconds = Median(runs, () =>
                {
                    program.RunInto(device, result);
                    gpu.DefaultQueue.Synchronize();
                });
                Report(output, n, form, flops, seconds);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"#   {form} max |difference| from cpu-mm: {MaxDifference(expected[0].AsTensor, result[0].AsTensor.ToHost()):G3}"));
            }
        }
        return 0;
    }

    // One warm-up run (compiling, caches), then the median of the timed runs, in seconds.
    private static double Median(int runs, Action run)
    {
        run();
        var samples = new double[runs];
        for (int r = 0; r < runs; r++)
        {
            var sw = Stopwatch.StartNew();
            run();
            samples[r] = sw.Elapsed.TotalSeconds;
        }
        Array.Sort(samples);
        return samples[runs / 2];
    }

    private static void Report(TextWriter output, int n, string form, double flops, double seconds) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{n} {form} {flops / seconds / 1e9:F2}"));

    private static double MaxDifference(Tensor expected, Tensor actual)
    {
        var e = expected.StorageSpan<float>();
        var a = actual.StorageSpan<float>();
        double max = 0;
        for (int i = 0; i < e.Length; i++) max = Math.Max(max, Math.Abs(e[i] - a[i]));
        return max;
    }

    private static Tensor Filled(int n, int seed)
    {
        var rng = new Random(seed);
        var data = new float[n * n];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.FromArray(data, n, n);
    }
}
