using System.Runtime.InteropServices;
using Jit.Errors;
using Jit.Tensors;

namespace Jit.Runtime.Static;

/// <summary>
/// The per-call state of a <see cref="StaticModule"/> (PyTorch's <c>StaticRuntime</c>): the frame
/// of slots, this runtime's arena and the planned tensors over it, made once, so a steady-state
/// <see cref="Run(ReadOnlySpan{IValue}, Span{IValue})"/> allocates nothing when every op has an
/// out-variant. One thread at a time; many runtimes of one plan run concurrently.
/// </summary>
public sealed partial class StaticRuntime : IDisposable
{
    private readonly IValue[] _loopScratch;
    // Per output, the tuple this runtime last returned there (managed outputs only: see ReturnTuple).
    private readonly IValueTuple?[] _lastTuples;
    // Host destinations reused while the caller's outputs receive copies (see ReusedDestination).
    private Tensor?[]? _reusedDestinations;

    internal StaticRuntime(StaticModule module)
    {
        Module = module;
        Frame = (IValue[])module.FrameTemplate.Clone();
        InScratch = new IValue[module.MaxStepInputs];
        OutScratch = new IValue[module.MaxStepOutputs];
        _loopScratch = new IValue[module.MaxCarried];
        _lastTuples = new IValueTuple?[module.OutputCount];
        ViewCaches = new ViewCache[module.ViewCaches];
        for (int i = 0; i < ViewCaches.Length; i++) ViewCaches[i] = new ViewCache(module.MaxStepInputs);
        var allocator = module.Backend.Allocator;
        if (allocator is null) Arena = AllocateArena(module.Memory.ArenaBytes);
        else if (module.Memory.ArenaBytes > 0) _deviceArena = allocator.Allocate(module.Memory.ArenaBytes);
        var planned = module.Memory.Tensors;
        for (int i = 0; i < planned.Count; i++)
        {
            var t = planned[i];
            var storage = _deviceArena is null ? new TensorStorage(Arena.Slice((int)t.Offset, (int)t.Bytes)) : new TensorStorage(_deviceArena, t.Offset, t.Bytes);
            Frame[module.PlannedSlots[i]] = new Tensor(storage, t.DType, t.Sizes, ShapeUtil.ContiguousStrides(t.Sizes));
        }
        foreach (var list in module.ReusedLists) Frame[list.Slot] = IValue.FromList(new IValueList(list.Element, []));
        foreach (var view in module.Views)
        {
            var ins = new IValue[view.Inputs.Length];
            for (int i = 0; i < ins.Length; i++) ins[i] = Frame[view.Inputs[i]];
            var outs = new IValue[view.Slots.Length];
            view.Kernel(ins, outs);
            for (int i = 0; i < outs.Length; i++) Frame[view.Slots[i]] = outs[i];
        }
    }

    public StaticModule Module { get; }

    /// <summary>This runtime's arena on the host: every planned intermediate (and managed output) lives in it (empty on a device).</summary>
    public Memory<byte> Arena { get; }

    internal IValue[] Frame { get; }
    internal IValue[] InScratch { get; }
    internal IValue[] OutScratch { get; }
    internal ViewCache[] ViewCaches { get; }
    internal Span<IValue> LoopScratch(int count) => _loopScratch.AsSpan(0, count);

    // Pinned, and started on an alignment boundary, so planned offsets are aligned addresses too.
    private static Memory<byte> AllocateArena(long bytes)
    {
        if (bytes == 0) return Memory<byte>.Empty;
        if (bytes > Array.MaxLength - MemoryPlanner.Alignment)
            throw new JitRuntimeException($"the memory plan needs an arena of {bytes} bytes, more than one buffer can hold");
        var array = GC.AllocateUninitializedArray<byte>((int)bytes + MemoryPlanner.Alignment, pinned: true);
        long address;
        unsafe
        {
            fixed (byte* p = array) address = (long)p;
        }
        int shift = (int)((MemoryPlanner.Alignment - address % MemoryPlanner.Alignment) % MemoryPlanner.Alignment);
        return array.AsMemory(shift, (int)bytes);
    }

    /// <summary>
    /// Runs the plan. <paramref name="inputs"/> match the plan's signature (a bound <c>self</c> left
    /// out). <paramref name="outputs"/> has one entry per graph output: a tensor there on entry is
    /// a destination, of the output's dtype and sizes and contiguous, that the result is written
    /// into (with no copy when an out-variant produces it); None receives the result. For a tuple
    /// output, a tuple there on entry (the one a previous run returned) lends its tensors as
    /// destinations the same way, and comes back itself when it holds the results. With managed
    /// outputs the results are arena tensors of this runtime, overwritten by its next run.
    /// </summary>
    public void Run(ReadOnlySpan<IValue> inputs, Span<IValue> outputs) => Run(inputs, outputs, default);

    /// <summary>
    /// Runs as <see cref="Run(ReadOnlySpan{IValue}, Span{IValue})"/> and adds each top-level step's
    /// elapsed <see cref="System.Diagnostics.Stopwatch"/> ticks to <paramref name="stepTicks"/> (one
    /// entry per <see cref="StaticModule.StepDescriptions"/>): where a plan's time goes, as PyTorch's
    /// static runtime <c>benchmark_individual_ops</c>. An If or Loop counts as one step.
    /// </summary>
    public void RunProfiled(ReadOnlySpan<IValue> inputs, Span<IValue> outputs, Span<long> stepTicks)
    {
        if (stepTicks.Length != Module.Steps.Length)
            throw new JitRuntimeException($"the plan has {Module.Steps.Length} steps but {stepTicks.Length} tick counters were given");
        Run(inputs, outputs, stepTicks);
    }

    private void Run(ReadOnlySpan<IValue> inputs, Span<IValue> outputs, Span<long> stepTicks)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Module.Backend.IsHost)
        {
            RunOnDevice(inputs, outputs, stepTicks);
            return;
        }
        RunPlan(inputs, outputs, stepTicks);
    }

    private void RunPlan(ReadOnlySpan<IValue> inputs, Span<IValue> outputs, Span<long> stepTicks)
    {
        var m = Module;
        if (!m.Signature.Matches(inputs))
            throw new JitTypeException($"inputs {InputSignature.Of(inputs)} do not match the plan's signature {m.Signature}");
        if (outputs.Length != m.OutputCount)
            throw new JitTypeException($"the graph has {m.OutputCount} outputs but {outputs.Length} output slots were given");
        var frame = Frame;
        for (int i = 0; i < inputs.Length; i++) frame[m.InputSlots[i]] = inputs[i];
        bool copiedOut = ResultsAreCopiedOut(outputs);
        for (int k = 0; k < m.Destinations.Length; k++)
        {
            var d = m.Destinations[k];
            frame[d.Slot] = GivenDestination(outputs, d) ?? (copiedOut && d.Output < 0 ? ReusedDestination(k) : NewDestination(k));
        }
        try
        {
            StaticStep.RunAll(m.Steps, this, stepTicks);
            for (int i = 0; i < outputs.Length; i++)
            {
                if (m.OutputTuples[i] is { } tuple)
                {
                    outputs[i] = ReturnTuple(tuple, outputs[i]);
                    continue;
                }
                var result = frame[m.OutputSlots[i]];
                if (outputs[i].IsTensor && result.IsTensor && !ReferenceEquals(outputs[i].AsTensor, result.AsTensor))
                    CopyInto(outputs[i].AsTensor, result.AsTensor, "output", i);
                else
                    outputs[i] = result;
            }
        }
        finally
        {
            // Drop references to this call's inputs and kernel-made values so the GC can take them.
            foreach (int s in m.TransientSlots) frame[s] = default;
            foreach (var list in m.ReusedLists) frame[list.Slot].AsList.Items.Clear();
        }
    }

    /// <summary>
    /// Whether the caller gave a tensor for every output (none a tuple), so each result is copied
    /// into the caller's tensor (or written there) and nothing this run makes is returned: a value
    /// that may alias an output (a destination viewed by one) need not be new then.
    /// </summary>
    private bool ResultsAreCopiedOut(Span<IValue> outputs)
    {
        if (!Module.Backend.IsHost) return false;
        for (int i = 0; i < outputs.Length; i++)
            if (Module.OutputTuples[i] is not null || !outputs[i].IsTensor) return false;
        return true;
    }

    // This runtime's own tensor for a destination that no returned value aliases this run (see ResultsAreCopiedOut).
    private Tensor ReusedDestination(int k)
    {
        var d = Module.Destinations[k];
        _reusedDestinations ??= new Tensor?[Module.Destinations.Length];
        return _reusedDestinations[k] ??= Tensor.Empty(d.DType, d.Sizes);
    }

    /// <summary>Runs and returns new output values (fresh tensors, or arena tensors with managed outputs).</summary>
    public IValue[] Run(params IValue[] inputs)
    {
        var outputs = new IValue[Module.OutputCount];
        Run(inputs, outputs);
        return outputs;
    }

    // The caller's tensor for a destination (an output, or an item of a tuple output), checked; null where none is given.
    private Tensor? GivenDestination(Span<IValue> outputs, Destination d)
    {
        if (d.Output < 0) return null;
        var given = outputs[d.Output];
        if (d.Item >= 0)
        {
            if (!given.IsTuple || d.Item >= given.AsTuple.Count) return null;
            given = given.AsTuple[d.Item];
        }
        if (!given.IsTensor) return null;
        var t = given.AsTensor;
        if (t.Device != Module.Device) return null; // a host tensor for a device plan's output receives a download at the end
        if (t.DType != d.DType || !t.Sizes.SequenceEqual(d.Sizes) || !t.IsContiguous)
            throw new JitShapeException(
                $"output {d.Output}{(d.Item >= 0 ? $" item {d.Item}" : "")}: the tensor given for it is {t.DType.PythonName()}{ShapeUtil.Format(t.Sizes)}{(t.IsContiguous ? "" : " (not contiguous)")}, " +
                $"but the output is a contiguous {d.DType.PythonName()}{ShapeUtil.Format(d.Sizes)}");
        return t;
    }

    /// <summary>
    /// A tuple output's value. The items of a caller's tuple of the same length that are tensors
    /// receive the results (copied unless an out-variant wrote there); then that tuple comes back
    /// when it holds exactly the results, or with managed outputs the tuple this runtime returned
    /// last time does (its items are arena tensors, the same every run): a steady run builds none.
    /// </summary>
    private IValue ReturnTuple(OutputTuple t, IValue given)
    {
        var slots = t.ItemSlots;
        var caller = given.IsTuple && given.AsTuple.Count == slots.Length ? given.AsTuple : null;
        if (caller is not null)
        {
            for (int j = 0; j < slots.Length; j++)
            {
                IValue item = caller[j], result = Frame[slots[j]];
                if (item.IsTensor && result.IsTensor && !ReferenceEquals(item.AsTensor, result.AsTensor))
                    CopyInto(item.AsTensor, result.AsTensor, "output", t.Output, j);
            }
            if (Holds(caller, slots, caller)) return given;
        }
        if (Module.ManagedOutputs && _lastTuples[t.Output] is { } last && Holds(last, slots, caller)) return IValue.FromTuple(last);
        var items = new IValue[slots.Length];
        for (int j = 0; j < items.Length; j++) items[j] = ReturnedItem(slots, j, caller);
        var tuple = new IValueTuple(items);
        if (Module.ManagedOutputs) _lastTuples[t.Output] = tuple;
        return IValue.FromTuple(tuple);
    }

    // Item j of a tuple output: the caller's tensor where it received the result, else the result.
    private IValue ReturnedItem(int[] slots, int j, IValueTuple? caller)
    {
        var result = Frame[slots[j]];
        return caller is not null && caller[j].IsTensor && result.IsTensor ? caller[j] : result;
    }

    private bool Holds(IValueTuple tuple, int[] slots, IValueTuple? caller)
    {
        if (tuple.Count != slots.Length) return false;
        for (int j = 0; j < slots.Length; j++)
            if (!tuple[j].Equals(ReturnedItem(slots, j, caller))) return false;
        return true;
    }

    /// <summary>
    /// Copies <paramref name="result"/> into <paramref name="destination"/>, of the same dtype and sizes
    /// (<paramref name="what"/> <paramref name="index"/>, and the tuple <paramref name="item"/> when ≥ 0, name the destination in an error).
    /// </summary>
    internal void CopyInto(Tensor destination, Tensor result, string what, int index, int item = -1)
    {
        if (destination.DType != result.DType || !destination.Sizes.SequenceEqual(result.Sizes))
            throw new JitShapeException(
                $"{what} {index}{(item >= 0 ? $" item {item}" : "")}: the tensor given for it is {destination.DType.PythonName()}{ShapeUtil.Format(destination.Sizes)}, " +
                $"but the result is {result.DType.PythonName()}{ShapeUtil.Format(result.Sizes)}");
        Span<IValue> args = [destination, result, false];
        Span<IValue> outs = [default];
        Module.CopyKernel(args, outs);
    }
}
