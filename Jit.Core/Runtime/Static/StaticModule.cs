using Jit.Ir;
using Jit.Tensors;

namespace Jit.Runtime.Static;

/// <summary>
/// The prepared, immutable plan of one graph for one device and one input signature (PyTorch's
/// <c>StaticModule</c>): every value mapped to a slot of a per-call frame, a flat list of steps
/// (out-variant kernel, allocating kernel, host op, structured <c>prim::If</c> / <c>prim::Loop</c>
/// with nested step lists) and the <see cref="MemoryPlan"/> of its intermediates. Shared by every
/// thread; the per-call state is a <see cref="StaticRuntime"/>, taken from this plan's pool by
/// <see cref="Rent"/> or made with <see cref="CreateRuntime"/>. Build with <see cref="Create"/>.
/// </summary>
public sealed class StaticModule : IDisposable
{
    private readonly Lock _poolGate = new();
    private readonly StaticRuntime[] _pool;
    private int _pooled;
    private bool _disposed;
    // Weights this plan uploaded itself (a plan made without a compiled module's shared constants).
    private readonly DeviceConstants? _ownedConstants;

    internal StaticModule(StaticModuleParts parts, int maxPooled, DeviceConstants? ownedConstants = null)
    {
        _ownedConstants = ownedConstants;
        Graph = parts.Graph;
        Backend = parts.Backend;
        Device = parts.Backend.Device;
        HostStepNodes = parts.HostStepNodes;
        Signature = parts.Signature;
        ManagedOutputs = parts.ManagedOutputs;
        Memory = parts.Memory;
        Steps = parts.Steps;
        FrameTemplate = parts.FrameTemplate;
        InputSlots = parts.InputSlots;
        OutputSlots = parts.OutputSlots;
        OutputTuples = parts.OutputTuples;
        PlannedSlots = parts.PlannedSlots;
        Views = parts.Views;
        Destinations = parts.Destinations;
        ReusedLists = parts.ReusedLists;
        TransientSlots = parts.TransientSlots;
        MaxStepInputs = parts.MaxStepInputs;
        MaxStepOutputs = parts.MaxStepOutputs;
        MaxCarried = parts.MaxCarried;
        ViewCaches = parts.ViewCaches;
        CopyKernel = parts.CopyKernel;
        OutVariantNodes = parts.OutVariantNodes;
        KernelNodes = parts.KernelNodes;
        _pool = new StaticRuntime[Math.Max(0, maxPooled)];
    }

    /// <summary>
    /// Plans <paramref name="graph"/> (already optimized; not changed) for <paramref name="backend"/>
    /// and example <paramref name="inputs"/> (one per graph input, a bound <paramref name="self"/> left out).
    /// With <paramref name="manageOutputs"/>, outputs live in the arena too: valid until the next
    /// run on the same runtime.
    /// </summary>
    /// <param name="fuse">Fuse elementwise groups into kernels the backend compiles (where it has a
    /// fused-kernel compiler). A group the compiler gives an out-variant for writes into planned outputs.</param>
    /// <param name="host">On a device backend: the host backend that folds constants and runs, as
    /// explicit host steps, the tensor ops the device has no kernel for (see <see cref="HostStepNodes"/>).</param>
    /// <param name="constants">On a device backend: the device copies of the weights, shared with other
    /// plans (a compiled module's); null makes the plan upload and own its own.</param>
    public static StaticModule Create(Graph graph, IBackend backend, ReadOnlySpan<IValue> inputs, IValue? self = null,
        bool manageOutputs = false, int maxPooledRuntimes = 16, bool fuse = false, IBackend? host = null, DeviceConstants? constants = null)
    {
        var owned = constants is null && backend.Allocator is { } allocator ? new DeviceConstants(allocator) : null;
        try
        {
            return new(StaticModuleBuilder.Build(graph, backend, inputs, self, manageOutputs, fuse, host, constants ?? owned), maxPooledRuntimes, owned);
        }
        catch
        {
            owned?.Dispose();
            throw;
        }
    }

    /// <summary>The graph this plan runs: specialized to <see cref="Signature"/>, every value's type complete where shapes are static.</summary>
    public Graph Graph { get; }
    public Device Device { get; }

    /// <summary>The backend the plan runs on.</summary>
    public IBackend Backend { get; }

    /// <summary>
    /// Tensor ops of this plan that run on the host because the device has no kernel for them (by
    /// overload name, a fusion group as <c>prim::TensorExprGroup</c>), each with its copies: empty
    /// on the host, and what <c>jit check</c> counts.
    /// </summary>
    public IReadOnlyList<string> HostStepNodes { get; }

    public InputSignature Signature { get; }
    public bool ManagedOutputs { get; }
    public MemoryPlan Memory { get; }

    /// <summary>Nodes run through an out-variant, and nodes run through an allocating kernel (not counting host and structural ops).</summary>
    public int OutVariantNodes { get; }
    public IReadOnlyList<string> KernelNodes { get; }

    /// <summary>The top-level steps in run order, each as its node (what <see cref="StaticRuntime.RunProfiled"/> times).</summary>
    public IReadOnlyList<string> StepDescriptions => [.. Steps.Select(s => s.Description)];

    /// <summary>
    /// The top-level steps as <c>jit inspect --plan</c> prints them: each node, marked <c>[host]</c>
    /// where a device plan runs it on the host with its copies (a view or size query that reads only
    /// sizes and strides runs on the device tensors and is not marked).
    /// </summary>
    public IReadOnlyList<string> PlanLines => [.. Steps.Select(s => (s is HostStep { MovesData: true } ? "[host] " : "") + s.Description)];

    public int InputCount => InputSlots.Length;
    public int OutputCount => OutputSlots.Length;

    internal StaticStep[] Steps { get; }
    internal IValue[] FrameTemplate { get; }
    internal int[] InputSlots { get; }
    internal int[] OutputSlots { get; }
    internal OutputTuple?[] OutputTuples { get; }
    internal int[] PlannedSlots { get; }
    internal PrecomputedView[] Views { get; }
    internal Destination[] Destinations { get; }
    internal ReusedList[] ReusedLists { get; }
    internal int[] TransientSlots { get; }
    internal int MaxStepInputs { get; }
    internal int MaxStepOutputs { get; }
    internal int MaxCarried { get; }
    /// <summary>How many <see cref="CachedViewStep"/>s the plan has (each runtime keeps a <see cref="ViewCache"/> per step).</summary>
    internal int ViewCaches { get; }
    internal OpKernel CopyKernel { get; }

    /// <summary>A runtime of its own (not pooled): for one thread at a time; dispose or drop it when done.</summary>
    public StaticRuntime CreateRuntime()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new StaticRuntime(this);
    }

    /// <summary>A runtime from the pool (or a new one); give it back with <see cref="Return"/>.</summary>
    public StaticRuntime Rent()
    {
        lock (_poolGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_pooled > 0)
            {
                var r = _pool[--_pooled];
                _pool[_pooled] = null!;
                return r;
            }
        }
        return new StaticRuntime(this);
    }

    public void Return(StaticRuntime runtime)
    {
        if (runtime.Module != this) throw new ArgumentException("the runtime belongs to another plan", nameof(runtime));
        lock (_poolGate)
        {
            // A full pool (or a disposed plan) drops the runtime, and the GC takes its arena.
            if (!_disposed && _pooled < _pool.Length)
            {
                _pool[_pooled++] = runtime;
                return;
            }
        }
        runtime.Dispose();
    }

    /// <summary>Runtimes waiting in the pool.</summary>
    public int PooledRuntimes
    {
        get { lock (_poolGate) return _pooled; }
    }

    /// <summary>Releases the pooled runtimes' arenas (device memory at once) and the weights this plan uploaded; the plan can no longer rent.</summary>
    public void Dispose()
    {
        StaticRuntime[] pooled;
        lock (_poolGate)
        {
            if (_disposed) return;
            _disposed = true;
            pooled = _pool[.._pooled];
            Array.Clear(_pool);
            _pooled = 0;
        }
        foreach (var r in pooled) r.Dispose();
        _ownedConstants?.Dispose();
    }

    public override string ToString() =>
        $"StaticModule{Signature}: {Steps.Length} steps, {Memory.Tensors.Count} planned tensors in {Memory.ArenaBytes} arena bytes";
}

/// <summary>Views of planned memory with constant arguments (one per slot): made once per runtime, never per call.</summary>
internal sealed record PrecomputedView(int[] Slots, OpKernel Kernel, int[] Inputs);

/// <summary>
/// An out-variant output that is not in the arena: a graph output or an item of a returned tuple
/// (<see cref="Output"/> ≥ 0, and <see cref="Item"/> ≥ 0 for the item, takes the caller's tensor there
/// when one is given) or a value that may alias one. Allocated per call otherwise.
/// </summary>
internal sealed record Destination(int Slot, DType DType, long[] Sizes, int Output, int Item);

/// <summary>
/// Graph output <see cref="Output"/>, a tuple built only to be returned: gathered from
/// <see cref="ItemSlots"/> at the return rather than by a step (see <see cref="StaticRuntime"/>).
/// </summary>
internal sealed record OutputTuple(int Output, int[] ItemSlots);

/// <summary>What the builder hands the plan.</summary>
internal sealed record StaticModuleParts(
    Graph Graph, IBackend Backend, InputSignature Signature, bool ManagedOutputs, MemoryPlan Memory,
    StaticStep[] Steps, IValue[] FrameTemplate, int[] InputSlots, int[] OutputSlots, OutputTuple?[] OutputTuples, int[] PlannedSlots,
    PrecomputedView[] Views, Destination[] Destinations, ReusedList[] ReusedLists, int[] TransientSlots,
    int MaxStepInputs, int MaxStepOutputs, int MaxCarried, OpKernel CopyKernel,
    int OutVariantNodes, IReadOnlyList<string> KernelNodes, IReadOnlyList<string> HostStepNodes, int ViewCaches = 0);
