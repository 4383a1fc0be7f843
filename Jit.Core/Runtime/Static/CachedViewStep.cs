using Jit.Ir;
using Jit.Tensors;

namespace Jit.Runtime.Static;

/// <summary>
/// A view op (select, unsqueeze, permute, flatten, ...) whose other arguments are constants, of a
/// tensor the plan cannot view once for good (a graph input, an in-place op's result, a value
/// made per run): a tensor's sizes, strides and storage never change, so while the same tensor
/// comes in, the view this runtime made of it last time is the answer, and a steady run makes none.
/// The kernel's result is kept only where it is a view (shares an input's storage); an op that
/// copies (reshape of a layout it cannot view) runs every time. The runtime's
/// <see cref="ViewCache"/> holds its tensors weakly, so it keeps no caller's input alive.
/// </summary>
internal sealed class CachedViewStep(Node node, OpKernel kernel, int[] inputs, int output, int cache) : StaticStep(node)
{
    public override void Run(StaticRuntime runtime)
    {
        var frame = runtime.Frame;
        var c = runtime.ViewCaches[cache];
        if (c.Output.TryGetTarget(out var view) && c.Hits(frame, inputs))
        {
            frame[output] = view;
            return;
        }
        var ins = runtime.InScratch.AsSpan(0, inputs.Length);
        for (int i = 0; i < inputs.Length; i++) ins[i] = frame[inputs[i]];
        var outs = runtime.OutScratch.AsSpan(0, 1);
        outs.Clear();
        kernel(ins, outs);
        var result = outs[0];
        frame[output] = result;
        if (result.IsTensor && SharesStorage(result.AsTensor, ins)) c.Remember(frame, inputs, result.AsTensor);
        else c.Forget();
        ins.Clear();
        outs.Clear();
    }

    private static bool SharesStorage(Tensor result, ReadOnlySpan<IValue> inputs)
    {
        foreach (var v in inputs)
            if (v.IsTensor && ReferenceEquals(v.AsTensor.Storage, result.Storage)) return true;
        return false;
    }
}

/// <summary>One <see cref="CachedViewStep"/>'s last tensor arguments and view, per runtime, held weakly.</summary>
internal sealed class ViewCache(int inputs)
{
    private readonly WeakReference<Tensor?>[] _inputs = [.. Enumerable.Range(0, inputs).Select(_ => new WeakReference<Tensor?>(null))];

    public WeakReference<Tensor> Output { get; } = new(null!);

    // The same tensor objects in every tensor argument (the others are the plan's constants).
    public bool Hits(IValue[] frame, int[] slots)
    {
        for (int i = 0; i < slots.Length; i++)
        {
            var v = frame[slots[i]];
            if (!v.IsTensor) continue;
            if (!_inputs[i].TryGetTarget(out var last) || !ReferenceEquals(last, v.AsTensor)) return false;
        }
        return true;
    }

    public void Remember(IValue[] frame, int[] slots, Tensor view)
    {
        for (int i = 0; i < slots.Length; i++)
            _inputs[i].SetTarget(frame[slots[i]].IsTensor ? frame[slots[i]].AsTensor : null);
        Output.SetTarget(view);
    }

    public void Forget() => Output.SetTarget(null!);
}
