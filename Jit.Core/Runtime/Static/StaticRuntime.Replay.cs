using Jit.Runtime.Devices;
using Jit.Tensors;

namespace Jit.Runtime.Static;

// A device plan is a fixed launch sequence once its bindings are fixed: the same input buffers,
// sizes and numbers, the same arena and output buffers. When a run repeats the previous run's
// bindings, the runtime records its launches on its queue (a CUDA graph, a Vulkan command buffer)
// and from then on replays the recording instead of walking the steps, until the bindings change.
public sealed partial class StaticRuntime
{
    private IRecordedRun? _recording;
    // What the recording baked in: the device inputs, then the outputs the caller gave (device tensors or None).
    private IValue[]? _recordedBindings;
    private IValue[]? _recordedOutputs;
    // The previous run's bindings: a run that repeats them is recorded.
    private IValue[]? _previousBindings;

    /// <summary>
    /// Record the plan's launches once a run repeats the previous run's bindings, and replay the
    /// recording while they hold (on a backend whose queue records: CUDA graphs, Vulkan command
    /// buffers). Profiled runs always walk the steps, and so do runs that return new device tensors
    /// (device outputs with no destination given): each run's outputs would be new buffers.
    /// </summary>
    public bool ReplayLaunches { get; set; } = true;

    /// <summary>True while the steps run to be recorded (a host step then refuses: it needs the host mid-way).</summary>
    internal bool IsRecording { get; private set; }

    /// <summary>Whether the current recording was replayed by the last run (for tests and <c>jit bench</c>).</summary>
    public bool LastRunReplayed { get; private set; }

    /// <summary>Why this runtime stopped trying to record (the queue cannot, or the plan needs the host mid-way); null while it may.</summary>
    public string? RecordingRefused { get; private set; }

    /// <summary>Runs the plan from a recording when one fits, else records it when the bindings repeat; false when the caller must run the steps.</summary>
    private bool RunRecorded(IValue[] onDevice, Span<IValue> outputs, bool profiled)
    {
        LastRunReplayed = false;
        if (profiled) return false;
        if (!ReplayLaunches || RecordingRefused is not null || Module.HostStepNodes.Count > 0 || !Recordable(outputs))
        {
            DropRecording();
            return false;
        }
        if (_recording is not null && SameBindings(_recordedBindings!, onDevice, outputs))
        {
            _recording.Replay();
            _recordedOutputs!.CopyTo(outputs);
            LastRunReplayed = true;
            return true;
        }
        DropRecording();
        bool repeat = _previousBindings is not null && SameBindings(_previousBindings, onDevice, outputs);
        if (_previousBindings?.Length != onDevice.Length + outputs.Length) _previousBindings = new IValue[onDevice.Length + outputs.Length];
        onDevice.CopyTo(_previousBindings, 0);
        outputs.CopyTo(_previousBindings.AsSpan(onDevice.Length));
        if (!repeat) return false;
        var bindings = (IValue[])_previousBindings.Clone();
        var results = outputs.ToArray();
        if (Record(onDevice, results) is not { } recording) return false;
        (_recording, _recordedBindings, _recordedOutputs) = (recording, bindings, results);
        recording.Replay();
        results.CopyTo(outputs);
        LastRunReplayed = true;
        return true;
    }

    // The plan's launches recorded on this runtime's queue, or null (and the reason kept) when they cannot be.
    // A method of its own: the lambda's closure would otherwise be allocated on every run.
    private IRecordedRun? Record(IValue[] onDevice, IValue[] results)
    {
        IsRecording = true;
        try
        {
            return Queue.Record(() => RunPlan(onDevice, results, default))
                ?? Refuse($"the queues of '{Module.Device}' do not record");
        }
        catch (NotRecordableException e)
        {
            return Refuse(e.Message);
        }
        finally
        {
            IsRecording = false;
        }
    }

    private IRecordedRun? Refuse(string why)
    {
        RecordingRefused = why;
        return null;
    }

    // Each output None (the runtime's own destination, kept between runs unless outputs stay on the device) or a caller's device tensor.
    private bool Recordable(Span<IValue> outputs)
    {
        foreach (var v in outputs)
            if (v.IsNone ? KeepOutputsOnDevice : !(v.IsTensor && !v.AsTensor.IsHost)) return false;
        return true;
    }

    // Same buffers at the same offsets with the same layouts, and equal numbers: what a recording's
    // commands bake in. recorded holds the inputs, then the outputs given.
    private static bool SameBindings(IValue[] recorded, IValue[] inputs, Span<IValue> outputs)
    {
        if (recorded.Length != inputs.Length + outputs.Length) return false;
        for (int i = 0; i < recorded.Length; i++)
        {
            IValue a = recorded[i], b = i < inputs.Length ? inputs[i] : outputs[i - inputs.Length];
            if (a.IsTensor || b.IsTensor)
            {
                if (!a.IsTensor || !b.IsTensor || !SameBinding(a.AsTensor, b.AsTensor)) return false;
            }
            else if (a.IsList || a.IsTuple || b.IsList || b.IsTuple || !a.Equals(b)) return false;
        }
        return true;
    }

    private static bool SameBinding(Tensor a, Tensor b) =>
        ReferenceEquals(a, b) ||
        (a.Storage.Buffer is { } buffer && ReferenceEquals(buffer, b.Storage.Buffer) && a.Storage.ByteOffset == b.Storage.ByteOffset
         && a.StorageOffset == b.StorageOffset && a.DType == b.DType && a.Sizes.SequenceEqual(b.Sizes) && a.Strides.SequenceEqual(b.Strides));

    private void DropRecording()
    {
        _recording?.Dispose();
        (_recording, _recordedBindings, _recordedOutputs) = (null, null, null);
    }
}
