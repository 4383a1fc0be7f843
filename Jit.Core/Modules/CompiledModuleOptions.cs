using Jit.Passes;
using Jit.Runtime;

namespace Jit.Modules;

/// <summary>How <see cref="JitModule.Compile(string, CompiledModuleOptions?)"/> prepares a module.</summary>
public sealed class CompiledModuleOptions
{
    /// <summary>Where the device string is opened. Jit.Core knows no backend itself: register them (<c>new BackendRegistry().AddCpu()</c>).</summary>
    public BackendRegistry? Registry { get; init; }

    public FallbackPolicy Fallback { get; init; } = FallbackPolicy.None;

    /// <summary>The optimization pipeline: <c>default</c> or a comma-separated list of pass names.</summary>
    public string Passes { get; init; } = "default";

    /// <summary>How the pipeline lints and logs (<c>JIT_LOG</c>).</summary>
    public PassManagerOptions? PassOptions { get; init; }

    /// <summary>Runtimes each plan keeps for reuse; more run at once if needed, and the extra ones are dropped.</summary>
    public int MaxPooledRuntimes { get; init; } = Math.Max(4, Environment.ProcessorCount * 2);

    /// <summary>
    /// Fuse elementwise and reduction groups into kernels the backend compiles (the CPU compiles them
    /// to SIMD IL). A compiled group writes into its planned outputs as an out-variant does, so fused
    /// plans keep the zero-allocation steady state. Off by default; <c>jit run</c> and <c>jit bench</c> turn it on.
    /// </summary>
    public bool Fusion { get; init; }

    /// <summary>
    /// On a device: the host backend that folds constants and runs, as explicit host steps, the ops the
    /// device has no kernel for. Null: the registry's <c>cpu</c> backend when it has one.
    /// </summary>
    public IBackend? Host { get; init; }

    /// <summary>On a device: return outputs as device tensors instead of downloading them to the host.</summary>
    public bool DeviceOutputs { get; init; }

    /// <summary>
    /// On a device whose queues record (CUDA graphs, Vulkan command buffers): once a runtime's run
    /// repeats its previous bindings, record the plan's launches and replay them per run
    /// (<see cref="Runtime.Static.StaticRuntime.ReplayLaunches"/>). On by default; <c>--no-graphs</c> turns it off.
    /// </summary>
    public bool ReplayLaunches { get; init; } = true;

    /// <summary>Plans kept, one per input signature; past this the oldest plan is dropped (and re-planned if it comes back).</summary>
    public int MaxPlans { get; init; } = 64;
}
