using BenchmarkDotNet.Running;

namespace Jit.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project Jit.Benchmarks -- [BenchmarkDotNet args]</c> runs the suites;
/// <c>-- generate PATH</c> writes the big generated model; <c>-- time [--runs N] FILE...</c> prints
/// "name, median microseconds" lines for tools/compare_load.sh; <c>-- gemm [--threads T] N...</c>
/// prints float32 GEMM GFLOP/s (see <see cref="GemmTimer"/>); <c>-- gpu-gemm [--runs R] N...</c> compares
/// the tiled and untiled OpenCL matmul templates with the CPU kernel (see <see cref="GpuGemmTimer"/>); <c>-- conv</c> times the fixtures' convolutions (see <see cref="ConvTimer"/>); <c>-- fused</c> / <c>-- elementwise</c>
/// time the compiled TE kernels (see <see cref="FusedTimer"/>); <c>-- math</c> prints the vector math functions' ns per element (see <see cref="MathTimer"/>); <c>-- opencl-launch</c> times a tiny
/// OpenCL launch (see <see cref="OpenCLLaunchTimer"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "generate")
        {
            File.WriteAllBytes(args[1], BigModel.Build());
            return 0;
        }
        if (args.Length >= 2 && args[0] == "time")
        {
            int runs = 50;
            var files = args.Skip(1).ToList();
            if (files.Count >= 2 && files[0] == "--runs")
            {
                runs = int.Parse(files[1], System.Globalization.CultureInfo.InvariantCulture);
                files = files.Skip(2).ToList();
            }
            MedianTimer.Run(files, runs, Console.Out);
            return 0;
        }
        if (args.Length >= 1 && args[0] == "gemm") return GemmTimer.Run(args[1..], Console.Out);
        if (args.Length >= 1 && args[0] == "gpu-gemm") return GpuGemmTimer.Run(args[1..], Console.Out);
        if (args.Length >= 1 && args[0] == "conv") return ConvTimer.Run(args[1..], Console.Out);
        if (args.Length >= 1 && args[0] is "fused" or "elementwise") return FusedTimer.Run(args[0], args[1..], Console.Out);
        if (args.Length >= 1 && args[0] == "math") return MathTimer.Run(args[1..], Console.Out);
        if (args.Length >= 1 && args[0] == "opencl-launch") return OpenCLLaunchTimer.Run(args[1..], Console.Out);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
