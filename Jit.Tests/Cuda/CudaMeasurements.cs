using System.Diagnostics;
using ILGPU.Runtime.Cuda;
using Jit.Backends.Cpu;
using Jit.Backends.Cuda;
using Jit.Backends.Cuda.Codegen;
using Jit.Ir;
using Jit.Modules;
using Jit.Runtime;
using Xunit;

namespace Jit.Tests.Cuda;

/// <summary>
/// The numbers docs/MEASUREMENTS.md quotes for the CUDA backend, printed by
/// <c>dotnet test Jit.Tests -c Release --no-build --filter CudaMeasurements --logger "console;verbosity=detailed"</c>:
/// PTX code generation per kernel, ILGPU's CPU-accelerator compile per kernel, and a 1M-element
/// elementwise kernel on the CPU accelerator. The bounds asserted are loose: they catch a cost gone wrong by 10x.
/// </summary>
public sealed class CudaMeasurements(ITestOutputHelper output)
{
    [Fact]
    public void PtxCodeGenerationPerKernel()
    {
        var copy = Jit.Runtime.Devices.GpuCopyKernel.Build(Jit.Tensors.DType.Float32, Jit.Tensors.DType.Float16, 4);
        foreach (var arch in new[] { CudaArchitecture.SM_80, CudaArchitecture.SM_90 })
        {
            var watch = Stopwatch.StartNew();
            PtxRenderer.Render(copy, arch);
            double first = watch.Elapsed.TotalMilliseconds;
            var times = new List<double>();
            for (int i = 0; i < 9; i++)
            {
                watch.Restart();
                PtxRenderer.Render(copy with { Name = "copy_" + i }, arch);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            output.WriteLine($"PTX {arch}: first kernel {first:F1} ms, then median {times[4]:F1} ms (a 4-d strided float32 -> float16 copy, 1 stage)");
            Assert.True(times[4] < 2000);
        }
    }

    [Fact]
    public void CpuAcceleratorCompileAndElementwiseRun()
    {
        using var backend = CudaBackend.OnCpuAccelerator();
        var host = new CpuBackend(Device.Cpu);
        var graph = Graph.Parse("""
            graph(%x : Float(1048576), %y : Float(1048576)):
              %one : int = prim::Constant[value=1]()
              %z : Tensor = aten::add(%x, %y, %one)
              %w : Tensor = aten::tanh(%z)
              return (%w)
            """);
        var x = IValue.FromTensor(Jit.Tensors.Tensor.FromArray(Enumerable.Range(0, 1 << 20).Select(i => i * 1e-6f).ToArray(), 1 << 20));
        using var compiled = CompiledModule.Create(graph, backend, options: new CompiledModuleOptions { Fusion = true, Host = host });
        var watch = Stopwatch.StartNew();
        compiled.Run(x, x);
        double firstRun = watch.Elapsed.TotalMilliseconds;
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            watch.Restart();
            compiled.Run(x, x);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        output.WriteLine($"CPU accelerator: {backend.GpuKernels.Count} kernel(s) compiled by ILGPU in {backend.Loader.CompileMilliseconds:F0} ms; first run {firstRun:F0} ms; "
            + $"then median {times[2]:F1} ms per run of add+tanh on 1M float32 (upload 8 MB, 1 fused kernel, download 4 MB)");
        Assert.True(times[2] < 10_000);
    }
}
