using Jit.Ir;
using Jit.Runtime.Devices;

namespace Jit.Runtime.Static;

/// <summary>
/// A node of a device plan that runs on the host: its device tensors are downloaded (waiting for
/// the queued work), the host kernel runs, tensor results are uploaded, and arguments the op
/// writes (<c>Tensor(a!)</c>) are written back. A tensor op here is an explicit fallback, counted by
/// <see cref="StaticModule.HostStepNodes"/> and shown by <c>jit inspect --plan</c>; a number op that
/// reads tensor data (<c>item</c>, <c>Bool</c>) is how a device plan synchronizes.
/// With <paramref name="metadataFirst"/> (views, size queries: ops that may need only sizes and
/// strides), the host kernel first runs on the device tensors themselves, and only an op that then
/// reads data (<see cref="Errors.HostAccessException"/>, before it writes anything) takes the copies.
/// </summary>
internal sealed class HostStep(Node node, OpKernel hostKernel, int[] inputs, int[] outputs, bool[] writtenInputs, IDeviceAllocator allocator,
    bool metadataFirst) : StaticStep(node)
{
    private readonly string _kind = node.Kind;

    // Set once a call showed that the kernel reads data: later calls copy at once.
    private volatile bool _readsData = !metadataFirst;

    /// <summary>Whether the step moves data between host and device (false for a view or a size query that has needed none so far).</summary>
    public bool MovesData => _readsData;

    public override void Run(StaticRuntime runtime)
    {
        var frame = runtime.Frame;
        if (!_readsData && TryOnDevice(frame)) return;
        _readsData = true;
        if (runtime.IsRecording) throw new NotRecordableException($"the host step {Description}");
        runtime.NoteHostStep(_kind);
        var ins = new IValue[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) ins[i] = DeviceTransfer.ToHost(frame[inputs[i]]);
        var outs = new IValue[outputs.Length];
        hostKernel(ins, outs);
        for (int i = 0; i < inputs.Length; i++)
        {
            var original = frame[inputs[i]];
            if (writtenInputs[i] && original.IsTensor && !original.AsTensor.IsHost)
                DeviceTransfer.WriteBack(ins[i].AsTensor, original.AsTensor);
        }
        for (int i = 0; i < outputs.Length; i++)
        {
            // An in-place op returns its (written-back) argument: keep the device tensor itself.
            int same = Array.FindIndex(ins, x => x.IsTensor && outs[i].IsTensor && ReferenceEquals(x.AsTensor, outs[i].AsTensor));
            frame[outputs[i]] = same >= 0 ? frame[inputs[same]] : DeviceTransfer.ToDevice(outs[i], allocator);
        }
    }

    private bool TryOnDevice(IValue[] frame)
    {
        var ins = new IValue[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) ins[i] = frame[inputs[i]];
        var outs = new IValue[outputs.Length];
        try
        {
            hostKernel(ins, outs);
        }
        catch (Errors.HostAccessException)
        {
            return false;
        }
        // A host tensor made from sizes alone (a new tensor, not a view) still belongs on the device.
        for (int i = 0; i < outputs.Length; i++) frame[outputs[i]] = DeviceTransfer.ToDevice(outs[i], allocator);
        return true;
    }
}
