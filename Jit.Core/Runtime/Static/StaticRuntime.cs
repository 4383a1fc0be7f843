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
public sealed class StaticRuntime
{
    private readonly IValue[] _loopScratch;

    internal StaticRuntime(StaticModule module)
    {
        Module = module;
        Frame = (IValue[])module.FrameTemplate.Clone();
        InScratch = new IValue[module.MaxStepInputs];
        OutScratch = new IValue[module.MaxStepOutputs];
        _loopScratch = new IValue[module.MaxCarried];
        Arena = AllocateArena(module.Memory.ArenaBytes);
        var planned = module.Memory.Tensors;
        for (int i = 0; i < planned.Count; i++)
        {
            var t = planned[i];
            var storage = new TensorStorage(Arena.Slice((int)t.Offset, (int)t.Bytes));
            Frame[module.PlannedSlots[i]] = new Tensor(storage, t.DType, t.Sizes, ShapeUtil.ContiguousStrides(t.Sizes));
        }
        foreach (var view in module.Views)
        {
            var ins = new IValue[view.Inputs.Length];
            for (int i = 0; i < ins.Length; i++) ins[i] = Frame[view.Inputs[i]];
            var outs = new IValue[1];
            view.Kernel(ins, outs);
            Frame[view.Slot] = outs[0];
        }
    }

    public StaticModule Module { get; }

    /// <summary>This runtime's arena: every planned intermediate (and managed output) lives in it.</summary>
    public Memory<byte> Arena { get; }

    internal IValue[] Frame { get; }
    internal IValue[] InScratch { get; }
    internal IValue[] OutScratch { get; }
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
    /// into (with no copy when an out-variant produces it); None receives the result. With managed
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
        var m = Module;
        if (!m.Signature.Matches(inputs))
            throw new JitTypeException($"inputs {InputSignature.Of(inputs)} do not match the plan's signature {m.Signature}");
        if (outputs.Length != m.OutputCount)
            throw new JitTypeException($"the graph has {m.OutputCount} outputs but {outputs.Length} output slots were given");
        var frame = Frame;
        for (int i = 0; i < inputs.Length; i++) frame[m.InputSlots[i]] = inputs[i];
        foreach (var d in m.Destinations)
        {
            frame[d.Slot] = d.Output >= 0 && outputs[d.Output].IsTensor
                ? CheckDestination(outputs[d.Output].AsTensor, d.DType, d.Sizes, d.Output)
                : Tensor.Empty(d.DType, d.Sizes);
        }
        try
        {
            StaticStep.RunAll(m.Steps, this, stepTicks);
            for (int i = 0; i < outputs.Length; i++)
            {
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
        }
    }

    /// <summary>Runs and returns new output values (fresh tensors, or arena tensors with managed outputs).</summary>
    public IValue[] Run(params IValue[] inputs)
    {
        var outputs = new IValue[Module.OutputCount];
        Run(inputs, outputs);
        return outputs;
    }

    private static Tensor CheckDestination(Tensor t, DType dtype, long[] sizes, int output)
    {
        if (t.DType != dtype || !t.Sizes.SequenceEqual(sizes) || !t.IsContiguous)
            throw new JitShapeException(
                $"output {output}: the tensor given for it is {t.DType.PythonName()}{ShapeUtil.Format(t.Sizes)}{(t.IsContiguous ? "" : " (not contiguous)")}, " +
                $"but the output is a contiguous {dtype.PythonName()}{ShapeUtil.Format(sizes)}");
        return t;
    }

    /// <summary>Copies <paramref name="result"/> into <paramref name="destination"/>, of the same dtype and sizes (<paramref name="what"/> <paramref name="index"/> names the destination in an error).</summary>
    internal void CopyInto(Tensor destination, Tensor result, string what, int index)
    {
        if (destination.DType != result.DType || !destination.Sizes.SequenceEqual(result.Sizes))
            throw new JitShapeException(
                $"{what} {index}: the tensor given for it is {destination.DType.PythonName()}{ShapeUtil.Format(destination.Sizes)}, " +
                $"but the result is {result.DType.PythonName()}{ShapeUtil.Format(result.Sizes)}");
        Span<IValue> args = [destination, result, false];
        Span<IValue> outs = [default];
        Module.CopyKernel(args, outs);
    }
}
