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

    internal StaticModule(StaticModuleParts parts, int maxPooled)
    {
        Graph = parts.Graph;
        Device = parts.Device;
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
    public static StaticModule Create(Graph graph, IBackend backend, ReadOnlySpan<IValue> inputs, IValue? self = null,
        bool manageOutputs = false, int maxPooledRuntimes = 16, bool fuse = false) =>
        new(StaticModuleBuilder.Build(graph, backend, inputs, self, manageOutputs, fuse), maxPooledRuntimes);

    /// <summary>The graph this plan runs: specialized to <see cref="Signature"/>, every value's type complete where shapes are static.</summary>
    public Graph Graph { get; }
    public Device Device { get; }
    public InputSignature Signature { get; }
    public bool ManagedOutputs { get; }
    public MemoryPlan Memory { get; }

    /// <summary>Nodes run through an out-variant, and nodes run through an allocating kernel (not counting host and structural ops).</summary>
    public int OutVariantNodes { get; }
    public IReadOnlyList<string> KernelNodes { get; }

    /// <summary>The top-level steps in run order, each as its node (what <see cref="StaticRuntime.RunProfiled"/> times).</summary>
    public IReadOnlyList<string> StepDescriptions => [.. Steps.Select(s => s.Description)];

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
            if (!_disposed && _pooled < _pool.Length) _pool[_pooled++] = runtime;
        }
    }

    /// <summary>Runtimes waiting in the pool.</summary>
    public int PooledRuntimes
    {
        get { lock (_poolGate) return _pooled; }
    }

    /// <summary>Drops the pooled runtimes (their arenas go to the GC); the plan can no longer rent.</summary>
    public void Dispose()
    {
        lock (_poolGate)
        {
            _disposed = true;
            Array.Clear(_pool);
            _pooled = 0;
        }
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
    Graph Graph, Device Device, InputSignature Signature, bool ManagedOutputs, MemoryPlan Memory,
    StaticStep[] Steps, IValue[] FrameTemplate, int[] InputSlots, int[] OutputSlots, OutputTuple?[] OutputTuples, int[] PlannedSlots,
    PrecomputedView[] Views, Destination[] Destinations, ReusedList[] ReusedLists, int[] TransientSlots,
    int MaxStepInputs, int MaxStepOutputs, int MaxCarried, OpKernel CopyKernel,
    int OutVariantNodes, IReadOnlyList<string> KernelNodes);
