using Jit.Backends.Cpu;
using Jit.Backends.Cuda;
using Jit.Backends.OpenCL;
using Jit.Backends.Vulkan;
using Jit.Modules;
using Jit.Runtime;

namespace Jit.Cli;

/// <summary>The backends the <c>jit</c> command is built with, registered explicitly, and how it compiles for them.</summary>
internal static class CliBackends
{
    public static BackendRegistry Registry() => new BackendRegistry().AddCpu().AddCuda().AddOpenCL().AddVulkan();

    /// <summary>
    /// The static runtime's compiled module on <paramref name="backend"/>; on a device the registry's
    /// CPU backend folds constants and runs the ops the device lacks, as explicit host steps.
    /// </summary>
    public static CompiledModule Compile(ModelFile model, IBackend backend, bool fuse, bool replayLaunches = true)
    {
        var options = new CompiledModuleOptions { Fusion = fuse, Registry = Registry(), ReplayLaunches = replayLaunches };
        return model.Module is { } module ? module.Compile(backend, options) : CompiledModule.Create(model.Graph, backend, model.Self, options);
    }
}
