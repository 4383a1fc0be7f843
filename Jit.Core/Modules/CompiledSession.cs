using Jit.Runtime;
using Jit.Runtime.Static;

namespace Jit.Modules;

/// <summary>
/// Managed-output calls on a <see cref="CompiledModule"/> for one thread at a time: keeps one
/// <see cref="StaticRuntime"/> per signature it has seen, so the outputs of <see cref="Run"/> are
/// tensors in that runtime's arena, valid until the next run with the same signature.
/// </summary>
public sealed class CompiledSession : IDisposable
{
    private readonly CompiledModule _module;
    private StaticRuntime[] _runtimes = [];

    internal CompiledSession(CompiledModule module) => _module = module;

    /// <summary>Runs <c>forward</c>; None entries of <paramref name="outputs"/> receive arena tensors, tensors there receive copies.</summary>
    public void Run(ReadOnlySpan<IValue> inputs, Span<IValue> outputs)
    {
        var plan = _module.PlanFor(inputs, manageOutputs: true);
        StaticRuntime? runtime = null;
        foreach (var r in _runtimes)
            if (r.Module == plan) { runtime = r; break; }
        if (runtime is null)
        {
            runtime = plan.CreateRuntime();
            _runtimes = [.. _runtimes, runtime];
        }
        runtime.Run(inputs, outputs);
    }

    /// <summary>Releases the session's runtimes and their arenas (device memory at once).</summary>
    public void Dispose()
    {
        foreach (var r in _runtimes) r.Dispose();
        _runtimes = [];
    }
}
