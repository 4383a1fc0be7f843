using System.Buffers;
using Jit.Codegen;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;
using Jit.TensorExpr;
using Jit.Tensors;
using Silk.NET.Vulkan;

namespace Jit.Backends.Vulkan;

/// <summary>
/// A TE kernel built for one <see cref="VulkanBackend"/> (a <see cref="VulkanProgram"/>), launched
/// on tensors in its memory as <see cref="Codegen.Spirv.SpirvProgram"/>'s ABI says: params read off
/// the bound tensors (<see cref="TeParamBinding"/>), every tensor checked against its buffer's sizes
/// and strides, temporaries allocated per launch and kept by the submission until its commands
/// complete, each stage's serial form picked by <see cref="GpuStage.PreferSerial"/>. A buffer is
/// bound from its tensor's first element rounded down to the device's offset alignment, so a
/// tensor anywhere in a large arena stays within maxStorageBufferRange. Launches record into the
/// thread's current queue of this backend (else the default queue). Thread-safe.
/// </summary>
public sealed unsafe class VulkanKernel : IGpuKernel
{
    private readonly VulkanBackend _backend;
    private readonly VulkanProgram _built;
    private readonly TeParamBinding _binding;
    private readonly TeParamBinding.ParamExpr[] _work;
    private readonly TeParamBinding.ParamExpr?[] _reducedExtent;

    internal VulkanKernel(VulkanBackend backend, VulkanProgram built)
    {
        _backend = backend;
        _built = built;
        var program = built.Program;
        _binding = new TeParamBinding(program.Kernel, program.Temps);
        _work = [.. program.Stages.Select(s => _binding.CompileExpr(s.Work))];
        _reducedExtent = [.. program.Stages.Select(s => s.Serial is { } serial ? _binding.CompileExpr(serial.ReducedExtent) : null)];
    }

    public TeKernel Kernel => _built.Program.Kernel;

    public void RunInto(ReadOnlySpan<IValue> inputs, ReadOnlySpan<IValue> outputs)
    {
        GpuLaunchArguments.CheckCounts(Kernel, inputs.Length, outputs.Length);
        int count = _binding.ParamCount;
        Span<long> prms = count <= 32 ? stackalloc long[32] : new long[count];
        prms = prms[..count];
        _binding.Bind(inputs, outputs, null, prms);
        Execute(inputs, outputs, prms);
    }

    public IValue[] Run(ReadOnlySpan<IValue> inputs)
    {
        GpuLaunchArguments.CheckCounts(Kernel, inputs.Length, Kernel.Outputs.Count);
        var prms = new long[_binding.ParamCount];
        _binding.Bind(inputs, [], null, prms);
        var outputs = new IValue[Kernel.Outputs.Count];
        try
        {
            for (int i = 0; i < outputs.Length; i++) outputs[i] = GpuLaunchArguments.NewOutput(_binding, inputs.Length + i, Kernel.Outputs[i], prms, _backend.Allocator);
            Execute(inputs, outputs, prms);
        }
        catch
        {
            GpuLaunchArguments.Release(outputs);
            throw;
        }
        return outputs;
    }

    // The tensor's buffer, checked against the kernel's; its descriptor range and the element offset within it.
    private VulkanBuffer Check(int index, TeBuffer b, IValue v, ReadOnlySpan<long> prms, out DescriptorBufferInfo info, out long elementOffset)
    {
        var t = GpuLaunchArguments.Check(Kernel, _binding, index, b, v, prms, _backend.Device);
        var mem = t.Storage.Buffer is VulkanBuffer m && ReferenceEquals(m.Backend, _backend) && !m.IsReleased
            ? m
            : VulkanBuffer.Of(t.Storage.Buffer, _backend, $"kernel {Kernel.Name} buffer {b.Name}");
        long es = b.DType.ElementSize();
        long start = Math.Max(t.Storage.ByteOffset + t.StorageOffset * es, 0);
        info = Range(mem, start, es, index, b, prms, out elementOffset);
        return mem;
    }

    private DescriptorBufferInfo Range(VulkanBuffer mem, long start, long es, int index, TeBuffer b, ReadOnlySpan<long> prms, out long elementOffset)
    {
        long align = Math.Max(_backend.Info.MinStorageBufferOffsetAlignment, es);
        long bound = Math.Min(start, mem.ByteLength) / align * align;
        long size = (mem.ByteLength + 3) & ~3L;
        long range = Math.Min(Math.Max(size - bound, 4), _backend.Info.MaxStorageBufferRange);
        elementOffset = (start - bound) / es;
        if (size - bound > range && start - bound + _binding.ElementExtent(index, b.Name, prms) * es > range)
            throw new JitDeviceException(_backend.Device.ToString(),
                $"kernel {Kernel.Name}: buffer {b.Name} spans more than the {range} bytes one storage buffer may bind (maxStorageBufferRange)");
        return new DescriptorBufferInfo(mem.Handle, (ulong)bound, (ulong)range);
    }

    private void Execute(ReadOnlySpan<IValue> inputs, ReadOnlySpan<IValue> outputs, ReadOnlySpan<long> prms)
    {
        var program = _built.Program;
        if (program.Stages.Count == 0) return;
        int nIn = inputs.Length, nOut = outputs.Length, nTemps = program.Temps.Count;
        int nBuffers = nIn + nOut + nTemps;
        int nArgs = nBuffers + prms.Length;
        Span<long> args = nArgs <= 64 ? stackalloc long[64] : new long[nArgs];
        args = args[..nArgs];
        Span<DescriptorBufferInfo> infos = nBuffers < 32 ? stackalloc DescriptorBufferInfo[32] : new DescriptorBufferInfo[nBuffers + 1];
        var buffers = ArrayPool<VulkanBuffer>.Shared.Rent(nBuffers);
        int temps = 0;
        try
        {
            for (int i = 0; i < nIn; i++) buffers[i] = Check(i, Kernel.Inputs[i], inputs[i], prms, out infos[i], out args[i]);
            for (int i = 0; i < nOut; i++) buffers[nIn + i] = Check(nIn + i, Kernel.Outputs[i], outputs[i], prms, out infos[nIn + i], out args[nIn + i]);
            prms.CopyTo(args[nBuffers..]);
            for (; temps < nTemps; temps++)
            {
                int k = nIn + nOut + temps;
                var b = program.Temps[temps];
                long bytes = _binding.AllocationBytes(k, b, prms);
                var buffer = (VulkanBuffer)_backend.Allocator.Allocate(bytes);
                buffers[k] = buffer;
                infos[k] = Range(buffer, 0, b.DType.ElementSize(), k, b, prms, out args[k]);
            }
            Record(buffers.AsSpan(0, nBuffers), nIn + nOut, infos, args, prms);
        }
        catch
        {
            for (int k = 0; k < temps; k++) buffers[nIn + nOut + k].Dispose();
            throw;
        }
        finally
        {
            Array.Clear(buffers, 0, nBuffers);
            ArrayPool<VulkanBuffer>.Shared.Return(buffers);
        }
    }

    private void Record(ReadOnlySpan<VulkanBuffer> buffers, int firstTemp, Span<DescriptorBufferInfo> infos, ReadOnlySpan<long> args, ReadOnlySpan<long> prms)
    {
        var program = _built.Program;
        var vk = _backend.Vk;
        var queue = _backend.CurrentQueue;
        int bindings = _built.BindingCount;
        Span<WriteDescriptorSet> writes = bindings <= 32 ? stackalloc WriteDescriptorSet[32] : new WriteDescriptorSet[bindings];
        lock (queue.Gate)
        {
            var target = queue.Target();
            var commands = target.Commands;
            for (int i = 0; i < buffers.Length; i++)
            {
                if (i < firstTemp) target.Use(buffers[i]);
                else target.Hold(buffers[i]);
            }
            if (program.ArgumentsInBuffer)
            {
                var (block, offset) = target.Arguments.Add(args);
                infos[buffers.Length] = new DescriptorBufferInfo(block.Handle, (ulong)offset, (ulong)(args.Length * 8));
            }
            fixed (DescriptorBufferInfo* info = infos)
            {
                for (int i = 0; i < bindings; i++)
                    writes[i] = new WriteDescriptorSet
                    {
                        SType = StructureType.WriteDescriptorSet,
                        DstBinding = (uint)i,
                        DescriptorCount = 1,
                        DescriptorType = DescriptorType.StorageBuffer,
                        PBufferInfo = info + i,
                    };
                if (bindings > 0) _backend.EntryPoints.CmdPushDescriptorSet(commands, _built.Layout, writes[..bindings]);
            }
            if (!program.ArgumentsInBuffer && args.Length > 0)
                fixed (long* a = args) vk.CmdPushConstants(commands, _built.Layout, ShaderStageFlags.ComputeBit, 0, (uint)(args.Length * 8), a);
            int timing = target.BeginTiming(Kernel.Name);
            for (int s = 0; s < program.Stages.Count; s++)
            {
                var stage = program.Stages[s];
                long work = _work[s](prms);
                if (work <= 0) continue;
                string entry = stage.Entry;
                var kind = stage.Kind;
                if (stage.Serial is { } serial && GpuStage.PreferSerial(work, _reducedExtent[s]!(prms), _backend.ComputeUnits))
                {
                    entry = serial.Entry;
                    kind = GpuStageKind.Elementwise;
                }
                long groups = kind switch
                {
                    GpuStageKind.Elementwise => Math.Min((work + stage.LocalSize - 1) / stage.LocalSize, _backend.MaxGroups),
                    GpuStageKind.GroupPerRow or GpuStageKind.Tiled => Math.Min(work, _backend.MaxGroups),
                    _ => 1,
                };
                vk.CmdBindPipeline(commands, PipelineBindPoint.Compute, _built[entry]);
                vk.CmdDispatch(commands, (uint)groups, 1, 1);
                VulkanCommands.Barrier(vk, commands);
            }
            target.EndTiming(timing);
            // Counted once per launch: a long command buffer is submitted between kernels, never mid-kernel.
            queue.Recorded(target);
        }
    }
}
