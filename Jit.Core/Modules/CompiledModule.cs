using Jit.Errors;
using Jit.Ir;
using Jit.Passes;
using Jit.Runtime;
using Jit.Runtime.Static;

namespace Jit.Modules;

/// <summary>
/// A module prepared for one device: its <c>forward</c> optimized once, then planned per input
/// signature (dtype and sizes of each tensor, value of each number) into <see cref="StaticModule"/>s,
/// cached and guarded: a new signature plans again, it never fails. Immutable from outside and
/// safe to share: <see cref="Run(ReadOnlySpan{IValue}, Span{IValue})"/> may be called from many
/// threads at once, each call on a <see cref="StaticRuntime"/> from the plan's pool. Dispose to
/// release the pooled runtimes and their arenas (and the backend, if this module opened it).
/// </summary>
public sealed class CompiledModule : IDisposable
{
    private readonly Lock _gate = new();
    private readonly IBackend _backend;
    private readonly bool _ownsBackend;
    private readonly IValue? _self;
    private readonly IValue?[] _defaults;
    private readonly CompiledModuleOptions _options;
    // On a device: the host backend for folding and host steps (owned when opened here), and the uploaded weights.
    private readonly IBackend? _host;
    private readonly bool _ownsHost;
    private readonly DeviceConstants? _constants;
    // Copy-on-write: readers scan without a lock; a miss plans under the lock and publishes a new array.
    private volatile StaticModule[] _plans = [];
    private volatile StaticModule[] _managedPlans = [];
    private volatile bool _disposed;

    private CompiledModule(Graph optimized, IBackend backend, bool ownsBackend, IValue? self, IValue?[] defaults, CompiledModuleOptions options,
        IBackend? host, bool ownsHost)
    {
        _host = host;
        _ownsHost = ownsHost;
        _constants = backend.Allocator is { } allocator ? new DeviceConstants(allocator) : null;
        Graph = optimized;
        _backend = backend;
        _ownsBackend = ownsBackend;
        _self = self;
        _defaults = defaults;
        _options = options;
    }

    /// <summary>
    /// Optimizes <paramref name="graph"/> (a copy; for a method graph, <paramref name="self"/> is
    /// the module object its first input is bound to) and prepares it for <paramref name="backend"/>,
    /// which the caller keeps owning.
    /// </summary>
    public static CompiledModule Create(Graph graph, IBackend backend, IValue? self = null, CompiledModuleOptions? options = null) =>
        Create(graph, backend, ownsBackend: false, module: null, self, [], options ?? new CompiledModuleOptions());

    internal static CompiledModule Create(Graph graph, IBackend backend, bool ownsBackend, JitModule? module, IValue? self,
        IValue?[] defaults, CompiledModuleOptions options)
    {
        IBackend? host = null;
        bool ownsHost = false;
        try
        {
            if (!backend.IsHost)
            {
                host = options.Host;
                if (host is null && options.Registry?.IsRegistered(DeviceKind.Cpu) == true)
                {
                    host = options.Registry.Open(Device.Cpu);
                    ownsHost = true;
                }
            }
            var optimized = graph.Copy();
            // Constants fold on the host: the graph never holds device tensors.
            PassManager.FromSpec(options.Passes, options.PassOptions, new PassContext(module, backend.IsHost ? backend : host)).Run(optimized);
            return new CompiledModule(optimized, backend, ownsBackend, self, defaults, options, host, ownsHost);
        }
        catch
        {
            if (ownsHost) host!.Dispose();
            if (ownsBackend) backend.Dispose();
            throw;
        }
    }

    /// <summary>The optimized graph every plan starts from (not specialized to any signature).</summary>
    public Graph Graph { get; }
    public Device Device => _backend.Device;

    /// <summary>Inputs a call takes (a bound <c>self</c> not counted).</summary>
    public int InputCount => Graph.Inputs.Count - (_self is null ? 0 : 1);
    public int OutputCount => Graph.Outputs.Count;

    /// <summary>The plans made so far (pooled outputs and managed outputs), one per signature.</summary>
    public IReadOnlyList<StaticModule> Plans => [.. _plans, .. _managedPlans];

    /// <summary>
    /// Runs <c>forward</c> on <paramref name="inputs"/> (<c>self</c> left out; trailing arguments
    /// with declared defaults may be left out too). <paramref name="outputs"/> has one entry per
    /// output: a tensor there on entry is the destination the result is written into (of the
    /// output's dtype and sizes, contiguous); None receives a new value. With destinations given
    /// and every op out-variant capable, a call with a known signature allocates nothing.
    /// </summary>
    public void Run(ReadOnlySpan<IValue> inputs, Span<IValue> outputs)
    {
        if (inputs.Length < InputCount) inputs = WithDefaults(inputs);
        var plan = PlanFor(inputs, manageOutputs: false);
        var runtime = plan.Rent();
        try
        {
            runtime.KeepOutputsOnDevice = _options.DeviceOutputs;
            runtime.ReplayLaunches = _options.ReplayLaunches;
            runtime.Run(inputs, outputs);
        }
        finally
        {
            plan.Return(runtime);
        }
    }

    /// <summary>Runs and returns the outputs as new values.</summary>
    public IValue[] Run(params IValue[] inputs)
    {
        var outputs = new IValue[OutputCount];
        Run(inputs, outputs);
        return outputs;
    }

    /// <summary>As <see cref="JitModule.Forward"/>: one output as itself, several as a tuple.</summary>
    public IValue Forward(params IValue[] inputs)
    {
        var outputs = Run(inputs);
        return outputs.Length == 1 ? outputs[0] : IValue.FromTuple(outputs);
    }

    /// <summary>
    /// A session for one thread whose outputs are managed: they live in the session's arena and
    /// stay valid until its next run, so steady-state calls allocate nothing without destinations.
    /// </summary>
    public CompiledSession CreateSession() => new(this);

    /// <summary>The plan for these inputs (a bound <c>self</c> left out), planned now if the signature is new.</summary>
    public StaticModule PlanFor(ReadOnlySpan<IValue> inputs, bool manageOutputs = false)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var plans = manageOutputs ? _managedPlans : _plans;
        foreach (var p in plans)
            if (p.Signature.Matches(inputs)) return p;
        return AddPlan(inputs, manageOutputs);
    }

    private StaticModule AddPlan(ReadOnlySpan<IValue> inputs, bool manageOutputs)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var plans = manageOutputs ? _managedPlans : _plans;
            foreach (var p in plans)
                if (p.Signature.Matches(inputs)) return p;
            var plan = StaticModule.Create(Graph, _backend, inputs, _self, manageOutputs, _options.MaxPooledRuntimes, _options.Fusion, _host, _constants);
            var next = plans.Length >= _options.MaxPlans ? plans[1..] : plans;
            if (plans.Length >= _options.MaxPlans) plans[0].Dispose();
            next = [.. next, plan];
            if (manageOutputs) _managedPlans = next;
            else _plans = next;
            return plan;
        }
    }

    // Trailing arguments left out take forward's declared defaults (an allocation: not the steady-state path).
    private IValue[] WithDefaults(ReadOnlySpan<IValue> inputs)
    {
        var full = new IValue[InputCount];
        inputs.CopyTo(full);
        for (int i = inputs.Length; i < full.Length; i++)
            full[i] = i < _defaults.Length && _defaults[i] is { } d ? d
                : throw new JitTypeException($"forward() takes {InputCount} inputs but {inputs.Length} were given, and input {i} has no default");
        return full;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var p in _plans) p.Dispose();
            foreach (var p in _managedPlans) p.Dispose();
            _plans = [];
            _managedPlans = [];
        }
        _constants?.Dispose();
        if (_ownsHost) _host!.Dispose();
        if (_ownsBackend) _backend.Dispose();
    }
}
