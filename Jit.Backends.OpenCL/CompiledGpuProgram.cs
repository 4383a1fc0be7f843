using Jit.Backends.OpenCL.Native;
using Jit.Codegen;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.OpenCL;

/// <summary>
/// A <see cref="GpuProgram"/> built for one <see cref="OpenCLBackend"/>, launched on tensors in its
/// memory. Params are read off the bound tensors as <see cref="TeEvaluator"/> infers them (or given
/// by name); every tensor is checked against its buffer's sizes and strides; each launch allocates
/// the program's temporaries and releases them once enqueued (OpenCL frees them after the commands
/// using them finish). Arguments follow the ABI of <see cref="GpuProgram"/>. Launches are
/// asynchronous on the queue given (the backend's default queue when none). Thread-safe.
/// </summary>
public sealed class CompiledGpuProgram
{
    private readonly OpenCLBackend _backend;
    private readonly OpenCLProgram _built;
    private readonly TeParamBinding _binding;
    private readonly TeParamBinding.ParamExpr[] _work;
    // Per stage with a serial form: the length of a row, to pick the form at launch.
    private readonly TeParamBinding.ParamExpr?[] _reducedExtent;

    internal CompiledGpuProgram(OpenCLBackend backend, GpuProgram program, OpenCLProgram built)
    {
        _backend = backend;
        _built = built;
        Program = program;
        _binding = new TeParamBinding(program.Kernel, program.Temps);
        _work = [.. program.Stages.Select(s => _binding.CompileExpr(s.Work))];
        _reducedExtent = [.. program.Stages.Select(s => s.Serial is { } serial ? _binding.CompileExpr(serial.ReducedExtent) : null)];
        foreach (var s in program.Stages)
            if (s.LocalSize < 1 || s.LocalSize > backend.Info.MaxWorkGroupSize)
                throw new JitDeviceException(backend.Device.ToString(),
                    $"kernel {Kernel.Name}: stage {s.Entry} asks for work-groups of {s.LocalSize}; the device allows 1 to {backend.Info.MaxWorkGroupSize}");
    }

    public GpuProgram Program { get; }

    public TeKernel Kernel => Program.Kernel;

    /// <summary>True when the program's binary came from the disk cache.</summary>
    public bool LoadedFromDisk => _built.LoadedFromDisk;

    /// <summary>
    /// Launches writing into <paramref name="outputs"/> (device tensors whose layout matches the
    /// kernel's output strides). Every input is a device tensor of this backend; a number must have
    /// been made a 0-dim device tensor already.
    /// </summary>
    public void RunInto(ReadOnlySpan<IValue> inputs, ReadOnlySpan<IValue> outputs, OpenCLQueue? queue = null, IReadOnlyDictionary<string, long>? parameters = null)
    {
        GpuLaunchArguments.CheckCounts(Kernel, inputs.Length, outputs.Length);
        int count = _binding.ParamCount;
        Span<long> prms = count <= 16 ? stackalloc long[16] : new long[count];
        prms = prms[..count];
        _binding.Bind(inputs, outputs, parameters, prms);
        Execute(inputs, outputs, prms, queue ?? _backend.CurrentQueue);
    }

    /// <summary>
    /// Launches with new contiguous outputs (sizes from the kernel's output size expressions, memory
    /// from the backend's allocator) and returns them.
    /// </summary>
    public IValue[] Run(ReadOnlySpan<IValue> inputs, OpenCLQueue? queue = null, IReadOnlyDictionary<string, long>? parameters = null)
    {
        GpuLaunchArguments.CheckCounts(Kernel, inputs.Length, Kernel.Outputs.Count);
        var prms = new long[_binding.ParamCount];
        _binding.Bind(inputs, [], parameters, prms);
        var outputs = new IValue[Kernel.Outputs.Count];
        try
        {
            for (int i = 0; i < outputs.Length; i++) outputs[i] = GpuLaunchArguments.NewOutput(_binding, inputs.Length + i, Kernel.Outputs[i], prms, _backend.Allocator);
            Execute(inputs, outputs, prms, queue ?? _backend.CurrentQueue);
        }
        catch
        {
            GpuLaunchArguments.Release(outputs);
            throw;
        }
        return outputs;
    }

    /// <summary><see cref="Run(ReadOnlySpan{IValue}, OpenCLQueue?, IReadOnlyDictionary{string, long}?)"/> on tensors.</summary>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, OpenCLQueue? queue = null, IReadOnlyDictionary<string, long>? parameters = null) =>
        [.. Run(Values(inputs), queue, parameters).Select(v => v.AsTensor)];

    /// <summary><see cref="RunInto"/> on tensors.</summary>
    public void Run(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, OpenCLQueue? queue = null, IReadOnlyDictionary<string, long>? parameters = null) =>
        RunInto(Values(inputs), Values(outputs), queue, parameters);

    private static IValue[] Values(IReadOnlyList<Tensor> tensors) => [.. tensors.Select(IValue.FromTensor)];

    private void Check(int index, TeBuffer b, IValue v, ReadOnlySpan<long> prms, Span<KernelArg> args)
    {
        var t = GpuLaunchArguments.Check(Kernel, _binding, index, b, v, prms, _backend.Device);
        // The message is formatted only when the buffer is refused.
        var mem = t.Storage.Buffer is OpenCLBuffer m && ReferenceEquals(m.Backend, _backend) && !m.IsReleased
            ? m
            : OpenCLBuffer.Of(t.Storage.Buffer, _backend, $"kernel {Kernel.Name} buffer {b.Name}");
        long es = b.DType.ElementSize();
        args[2 * index] = KernelArg.Buffer(mem.Handle);
        args[2 * index + 1] = KernelArg.Long(t.Storage.ByteOffset / es + t.StorageOffset);
    }

    private void Execute(ReadOnlySpan<IValue> inputs, ReadOnlySpan<IValue> outputs, ReadOnlySpan<long> prms, OpenCLQueue queue)
    {
        int nIn = inputs.Length, nOut = outputs.Length, nTemps = Program.Temps.Count;
        int nBuffers = nIn + nOut + nTemps;
        int nArgs = 2 * nBuffers + prms.Length;
        Span<KernelArg> args = nArgs <= 64 ? stackalloc KernelArg[64] : new KernelArg[nArgs];
        args = args[..nArgs];
        for (int i = 0; i < nIn; i++) Check(i, Kernel.Inputs[i], inputs[i], prms, args);
        for (int i = 0; i < nOut; i++) Check(nIn + i, Kernel.Outputs[i], outputs[i], prms, args);
        for (int k = 0; k < prms.Length; k++) args[2 * nBuffers + k] = KernelArg.Long(prms[k]);
        var recording = queue.Recording;
        if (recording is not null)
        {
            foreach (var v in inputs) recording.Keep((OpenCLBuffer)v.AsTensor.Storage.Buffer!);
            foreach (var v in outputs) recording.Keep((OpenCLBuffer)v.AsTensor.Storage.Buffer!);
        }
        var temps = nTemps == 0 ? Array.Empty<DeviceBuffer?>() : new DeviceBuffer?[nTemps];
        try
        {
            for (int k = 0; k < nTemps; k++)
            {
                var b = Program.Temps[k];
                long bytes = _binding.AllocationBytes(nIn + nOut + k, b, prms);
                var buffer = (OpenCLBuffer)_backend.Allocator.Allocate(bytes);
                temps[k] = buffer;
                args[2 * (nIn + nOut + k)] = KernelArg.Buffer(buffer.Handle);
                args[2 * (nIn + nOut + k) + 1] = KernelArg.Long(0);
            }
            for (int s = 0; s < Program.Stages.Count; s++)
            {
                var stage = Program.Stages[s];
                long work = _work[s](prms);
                if (work <= 0) continue;
                if (stage.Serial is { } serial && GpuStage.PreferSerial(work, _reducedExtent[s]!(prms), (int)_backend.Info.ComputeUnits))
                    stage = new GpuStage(serial.Entry, GpuStageKind.Elementwise, stage.Work, stage.LocalSize);
                long groups = stage.Groups(work, _backend.MaxGroups);
                _built.Launch(queue, stage.Entry, args, groups * stage.LocalSize, stage.LocalSize);
            }
        }
        finally
        {
            // clReleaseMemObject waits for the enqueued commands that use the buffer; a recording keeps its temporaries.
            foreach (var t in temps)
                if (t is OpenCLBuffer b && recording is not null) recording.Own(b);
                else t?.Dispose();
        }
    }
}
