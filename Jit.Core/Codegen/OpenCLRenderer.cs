using Jit.TensorExpr;

namespace Jit.Codegen;

/// <summary>Renders TE kernels as OpenCL C 1.2: the default GPU schedule, printed in <see cref="OpenCLDialect"/>.</summary>
public static class OpenCLRenderer
{
    /// <summary>
    /// Build options the program text relies on (<see cref="GpuProgram.BuildOptions"/>): float32
    /// division and square root rounded correctly, as the oracle computes them.
    /// </summary>
    public const string BuildOptions = "-cl-fp32-correctly-rounded-divide-sqrt";

    /// <summary>Schedules <paramref name="kernel"/> with <see cref="GpuSchedule"/> and prints it; see <see cref="GpuProgram"/> for the launch ABI.</summary>
    public static GpuProgram Render(TeKernel kernel) => Render(kernel, GpuSchedule.DefaultLocalSize);

    /// <summary>As <see cref="Render(TeKernel)"/> with work-groups of <paramref name="localSize"/> work-items (a power of two).</summary>
    public static GpuProgram Render(TeKernel kernel, int localSize)
    {
        var scheduled = GpuSchedule.Apply(kernel, localSize);
        var source = CStylePrinter.Print(scheduled, OpenCLDialect.Instance);
        return new GpuProgram(scheduled.Kernel, source, scheduled.Stages, scheduled.Temps) { BuildOptions = BuildOptions };
    }
}
