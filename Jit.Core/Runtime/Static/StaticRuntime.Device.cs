using Jit.Errors;
using Jit.Runtime.Devices;
using Jit.Tensors;

namespace Jit.Runtime.Static;

// A runtime of a device plan: one device arena, its own queue where the backend gives one, inputs
// uploaded and outputs downloaded at the plan's edges (or device tensors passed through), output
// buffers kept between runs.
public sealed partial class StaticRuntime
{
    private readonly DeviceBuffer? _deviceArena;
    // The queue made current for each run: the runtime's own where the backend makes one, else the backend's.
    private IDeviceQueue? _queue;
    // Per input: the device buffer a host input is uploaded into, reused while it is big enough,
    // and the tensor over it, reused while the input's layout stays the same.
    private DeviceBuffer?[]? _inputBuffers;
    private Tensor?[]? _inputTensors;
    // A run's device inputs and the outputs the caller gave, kept so a steady run allocates no arrays.
    private IValue[]? _onDevice;
    private IValue[]? _given;
    // Per destination: the device tensor an output is computed into before it is downloaded.
    private Tensor?[]? _deviceDestinations;
    private bool _disposed;

    /// <summary>
    /// A device plan's run: host tensor inputs go up (device tensors of this device pass as they
    /// are), the plan runs on the device, and every device tensor among the outputs comes down,
    /// into the caller's host tensor where one was given, unless the caller gave a device tensor
    /// or <see cref="KeepOutputsOnDevice"/> is set.
    /// </summary>
    private void RunOnDevice(ReadOnlySpan<IValue> inputs, Span<IValue> outputs, Span<long> stepTicks)
    {
        var m = Module;
        var allocator = m.Backend.Allocator!;
        using var current = DeviceQueues.Use(Queue);
        if (_onDevice?.Length != inputs.Length)
        {
            _onDevice = new IValue[inputs.Length];
            _inputBuffers = new DeviceBuffer?[inputs.Length];
            _inputTensors = new Tensor?[inputs.Length];
        }
        var onDevice = _onDevice;
        for (int i = 0; i < inputs.Length; i++) onDevice[i] = Upload(inputs[i], i, allocator);
        // Host tensors given for outputs receive downloads; the plan itself sees None there.
        if (_given?.Length != outputs.Length) _given = new IValue[outputs.Length];
        var given = _given;
        outputs.CopyTo(given);
        for (int i = 0; i < outputs.Length; i++)
            if (DeviceTransfer.HasHostTensor(outputs[i])) outputs[i] = default;
        if (!RunRecorded(onDevice, outputs, profiled: !stepTicks.IsEmpty)) RunPlan(onDevice, outputs, stepTicks);
        if (KeepOutputsOnDevice || AllDeviceTensors(given))
        {
            // The caller may read the outputs through any queue: this one's work must be done by then.
            if (OwnsQueue) _queue!.Synchronize();
            return;
        }
        for (int i = 0; i < outputs.Length; i++)
        {
            if (given[i].IsTensor && !given[i].AsTensor.IsHost) continue; // the caller's device destination holds the result
            if (given[i].IsTensor && given[i].AsTensor.IsHost && outputs[i].IsTensor && !outputs[i].AsTensor.IsHost)
            {
                DeviceTransfer.Download(outputs[i].AsTensor, given[i].AsTensor);
                outputs[i] = given[i];
            }
            else outputs[i] = DeviceTransfer.ToHost(outputs[i]);
        }
    }

    private HashSet<string>? _hostStepsRun;

    /// <summary>
    /// The ops this runtime has run on the host with data moved across (host steps, including
    /// those in a fusion guard's fallback, which <see cref="StaticModule.HostStepNodes"/> does not
    /// count because they run only when a guard fails).
    /// </summary>
    public IReadOnlyCollection<string> HostStepsRun => _hostStepsRun ?? (IReadOnlyCollection<string>)[];

    internal void NoteHostStep(string kind) => (_hostStepsRun ??= []).Add(kind);

    private static bool AllDeviceTensors(IValue[] values)
    {
        foreach (var v in values)
            if (!v.IsTensor || v.AsTensor.IsHost) return false;
        return values.Length > 0;
    }

    /// <summary>Return device tensors as they are instead of downloading them (the C# API's device outputs).</summary>
    public bool KeepOutputsOnDevice { get; set; }

    /// <summary>The queue this runtime's device work goes to: its own, made on first use, or the backend's shared one.</summary>
    internal IDeviceQueue Queue => _queue ??= Module.Backend.CreateQueue() ?? Module.Backend.Queue!;

    private bool OwnsQueue => _queue is not null && !ReferenceEquals(_queue, Module.Backend.Queue);

    private IValue Upload(IValue value, int index, IDeviceAllocator allocator)
    {
        if (!value.IsTensor) return DeviceTransfer.HasHostTensor(value) ? DeviceTransfer.ToDevice(value, allocator) : value;
        var t = value.AsTensor;
        if (!t.IsHost)
        {
            if (t.Device != Module.Device)
                throw new JitRuntimeException($"input {index} is on device '{t.Device}', but the plan runs on '{Module.Device}'");
            return value;
        }
        var (offset, length) = t.ByteExtent();
        var buffer = _inputBuffers![index];
        if (buffer is null || buffer.ByteLength < length)
        {
            buffer?.Dispose();
            _inputBuffers[index] = buffer = allocator.Allocate(Math.Max(length, 1));
        }
        // The tensor UploadTo would make, when the last one has its layout: only the bytes go up.
        if (_inputTensors![index] is { } last && ReferenceEquals(last.Storage.Buffer, buffer) && last.DType == t.DType
            && last.StorageOffset == t.StorageOffset - offset / t.DType.ElementSize() && last.Sizes.SequenceEqual(t.Sizes) && last.Strides.SequenceEqual(t.Strides))
        {
            buffer.Write(0, t.Storage.Bytes.Span.Slice((int)offset, (int)length));
            return last;
        }
        var uploaded = t.UploadTo(buffer);
        _inputTensors[index] = uploaded;
        return uploaded;
    }

    // An output a caller gave no tensor for: on a device the runtime keeps one per destination (its
    // result is downloaded at the end), on the host a fresh tensor is the result.
    private Tensor NewDestination(int k)
    {
        var d = Module.Destinations[k];
        if (Module.Backend.Allocator is not { } allocator) return Tensor.Empty(d.DType, d.Sizes);
        // Kept only where the result is always downloaded; device outputs must not be overwritten by the next run.
        if (KeepOutputsOnDevice) return Tensor.EmptyOn(allocator, d.DType, d.Sizes);
        _deviceDestinations ??= new Tensor?[Module.Destinations.Length];
        return _deviceDestinations[k] ??= Tensor.EmptyOn(allocator, d.DType, d.Sizes);
    }

    /// <summary>Releases this runtime's device memory at once (its arena, input and output buffers).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        DropRecording();
        // Waits for this runtime's work before its buffers go.
        if (OwnsQueue) _queue!.Dispose();
        _deviceArena?.Dispose();
        foreach (var b in _inputBuffers ?? []) b?.Dispose();
        foreach (var t in _deviceDestinations ?? []) t?.Storage.Buffer?.Dispose();
    }
}
