using ILGPU;
using Jit.Backends.Cuda.Codegen;
using Jit.Codegen;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cuda;

/// <summary>
/// A scheduled TE kernel loaded on one <see cref="CudaBackend"/>, launched on tensors in its memory
/// (the launcher of <see cref="GpuProgram"/>'s ABI, as OpenCL's CompiledGpuProgram): params read off
/// the tensors (<see cref="TeParamBinding"/>), every tensor checked against its buffer's sizes and
/// strides, temporaries allocated per launch and released after it, each stage launched with its
/// typed launcher on the thread's current queue of this backend (else the default queue). Thread-safe.
/// </summary>
internal sealed class CompiledCudaProgram : IGpuKernel
{
    private readonly CudaBackend _backend;
    private readonly GpuScheduledKernel _scheduled;
    private readonly IReadOnlyDictionary<string, LoadedEntry> _entries;
    private readonly TeParamBinding _binding;
    private readonly TeParamBinding.ParamExpr[] _work;
    private readonly TeParamBinding.ParamExpr?[] _reducedExtent;

    public CompiledCudaProgram(CudaBackend backend, TeKernel kernel, GpuScheduledKernel scheduled, IReadOnlyDictionary<string, LoadedEntry> entries)
    {
        _backend = backend;
        Kernel = kernel;
        _scheduled = scheduled;
        _entries = entries;
        _binding = new TeParamBinding(scheduled.Kernel, scheduled.Temps);
        _work = [.. scheduled.Stages.Select(s => _binding.CompileExpr(s.Work))];
        _reducedExtent = [.. scheduled.Stages.Select(s => s.Serial is { } serial ? _binding.CompileExpr(serial.ReducedExtent) : null)];
        foreach (var s in scheduled.Stages)
            if (s.LocalSize < 1 || s.LocalSize > backend.MaxGroupSize)
                throw new JitDeviceException(backend.Device.ToString(),
                    $"kernel {kernel.Name}: stage {s.Entry} asks for work-groups of {s.LocalSize}; the device allows 1 to {backend.MaxGroupSize}");
    }

    public TeKernel Kernel { get; }

    public void RunInto(ReadOnlySpan<IValue> inputs, ReadOnlySpan<IValue> outputs)
    {
        GpuLaunchArguments.CheckCounts(Kernel, inputs.Length, outputs.Length);
        Span<long> prms = stackalloc long[_binding.ParamCount];
        _binding.Bind(inputs, outputs, null, prms);
        Execute(inputs, outputs, prms);
    }

    public IValue[] Run(ReadOnlySpan<IValue> inputs)
    {
        var k = _scheduled.Kernel;
        GpuLaunchArguments.CheckCounts(Kernel, inputs.Length, k.Outputs.Count);
        var prms = new long[_binding.ParamCount];
        _binding.Bind(inputs, [], null, prms);
        var outputs = new IValue[k.Outputs.Count];
        try
        {
            for (int i = 0; i < outputs.Length; i++) outputs[i] = GpuLaunchArguments.NewOutput(_binding, inputs.Length + i, k.Outputs[i], prms, _backend.Allocator);
            Execute(inputs, outputs, prms);
        }
        catch
        {
            GpuLaunchArguments.Release(outputs);
            throw;
        }
        return outputs;
    }


    private void Bind(int index, TeBuffer b, IValue v, ReadOnlySpan<long> prms, ref KernelArgs args)
    {
        var t = GpuLaunchArguments.Check(Kernel, _binding, index, b, v, prms, _backend.Device);
        var mem = CudaBuffer.Of(t.Storage.Buffer, _backend, $"kernel {Kernel.Name} buffer {b.Name}");
        long es = b.DType.ElementSize();
        KernelArgsAccess.View(ref args, index) = mem.View;
        KernelArgsAccess.Long(ref args, index) = t.Storage.ByteOffset / es + t.StorageOffset;
    }

    private void Execute(ReadOnlySpan<IValue> inputs, ReadOnlySpan<IValue> outputs, ReadOnlySpan<long> prms)
    {
        var k = _scheduled.Kernel;
        int nIn = inputs.Length, nOut = outputs.Length, nTemps = _scheduled.Temps.Count, nBuffers = nIn + nOut + nTemps;
        var args = new KernelArgs();
        for (int i = 0; i < nIn; i++) Bind(i, k.Inputs[i], inputs[i], prms, ref args);
        for (int i = 0; i < nOut; i++) Bind(nIn + i, k.Outputs[i], outputs[i], prms, ref args);
        for (int p = 0; p < prms.Length; p++) KernelArgsAccess.Long(ref args, nBuffers + p) = prms[p];
        var queue = _backend.QueueForThread();
        var temps = new DeviceBuffer?[nTemps];
        try
        {
            for (int t = 0; t < nTemps; t++)
            {
                var b = _scheduled.Temps[t];
                long bytes = _binding.AllocationBytes(nIn + nOut + t, b, prms);
                var buffer = (CudaBuffer)_backend.Allocator.Allocate(bytes);
                temps[t] = buffer;
                KernelArgsAccess.View(ref args, nIn + nOut + t) = buffer.View;
            }
            for (int s = 0; s < _scheduled.Stages.Count; s++)
            {
                var stage = _scheduled.Stages[s];
                long work = _work[s](prms);
                if (work <= 0) continue;
                if (stage.Serial is { } serial && GpuStage.PreferSerial(work, _reducedExtent[s]!(prms), _backend.ComputeUnits))
                    stage = new GpuStage(serial.Entry, GpuStageKind.Elementwise, stage.Work, stage.LocalSize);
                long groups = stage.Groups(work, _backend.MaxGroups);
                _backend.Launch(_entries[stage.Entry], queue, new KernelConfig((int)groups, stage.LocalSize), args);
            }
        }
        finally
        {
            foreach (var t in temps)
                if (t is not null) queue.ReleaseAfterUse(t);
        }
    }
}
