using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Runtime.Devices;

/// <summary>
/// The checks and allocations every GPU launcher makes of its arguments against the TE kernel's
/// buffers (one rule for OpenCL, Vulkan and the next backend): counts, each value a tensor of the
/// buffer's dtype, rank, sizes and strides, and new contiguous outputs sized by the params.
/// </summary>
internal static class GpuLaunchArguments
{
    /// <summary>Throws unless <paramref name="inputs"/> and <paramref name="outputs"/> are the kernel's counts.</summary>
    public static void CheckCounts(TeKernel kernel, int inputs, int outputs)
    {
        if (inputs != kernel.Inputs.Count)
            throw new JitRuntimeException($"kernel {kernel.Name} takes {kernel.Inputs.Count} inputs, got {inputs}");
        if (outputs != kernel.Outputs.Count)
            throw new JitRuntimeException($"kernel {kernel.Name} has {kernel.Outputs.Count} outputs, got {outputs}");
    }

    /// <summary>
    /// <paramref name="v"/> as the tensor bound to buffer <paramref name="b"/> (number
    /// <paramref name="index"/> in ABI order), checked against its dtype, rank, sizes and strides;
    /// its storage is checked by the backend.
    /// </summary>
    public static Tensor Check(TeKernel kernel, TeParamBinding binding, int index, TeBuffer b, IValue v, ReadOnlySpan<long> prms, Device device)
    {
        if (!v.IsTensor)
            throw new JitRuntimeException(
                $"kernel {kernel.Name}: buffer {b.Name} needs a tensor on '{device}', got a {v.TagName} (numbers go up as 0-dim tensors first)");
        var t = v.AsTensor;
        if (t.DType != b.DType)
            throw new JitRuntimeException($"kernel {kernel.Name}: buffer {b.Name} is {b.DType.PythonName()}, tensor is {t.DType.PythonName()}");
        if (t.Rank != b.Rank)
            throw new JitRuntimeException($"kernel {kernel.Name}: buffer {b.Name} has rank {b.Rank}, tensor {t} has rank {t.Rank}");
        for (int d = 0; d < b.Rank; d++)
        {
            long size = binding.Size(index, d, prms), stride = binding.Stride(index, d, prms);
            // A dim of size 0 or 1 is only read at index 0 (or never), and an empty tensor never at
            // all, so their strides are irrelevant.
            if (size != t.Sizes[d] || (size > 1 && t.NumElements > 0 && stride != t.Strides[d]))
                throw new JitRuntimeException(
                    $"kernel {kernel.Name}: buffer {b.Name} dim {d}: size {size} stride {stride} does not match tensor sizes [{string.Join(", ", t.SizesArray())}] strides [{string.Join(", ", t.StridesArray())}]");
        }
        long es = b.DType.ElementSize();
        if (t.Storage.ByteOffset % es != 0)
            throw new JitRuntimeException($"kernel {kernel.Name}: buffer {b.Name}'s storage starts at byte {t.Storage.ByteOffset}, not a multiple of its {es}-byte elements");
        return t;
    }

    /// <summary>Frees the outputs a failed launch made (the values that are tensors).</summary>
    public static void Release(IValue[] outputs)
    {
        foreach (var o in outputs)
            if (o.IsTensor) o.AsTensor.Storage.Buffer?.Dispose();
    }

    /// <summary>A new output for buffer <paramref name="b"/> (number <paramref name="index"/>) in <paramref name="allocator"/>'s memory, laid out as the kernel writes it.</summary>
    public static IValue NewOutput(TeParamBinding binding, int index, TeBuffer b, ReadOnlySpan<long> prms, IDeviceAllocator allocator)
    {
        var sizes = new long[b.Rank];
        var strides = new long[b.Rank];
        for (int d = 0; d < b.Rank; d++)
        {
            sizes[d] = binding.Size(index, d, prms);
            strides[d] = binding.Stride(index, d, prms);
        }
        var buffer = allocator.Allocate(binding.AllocationBytes(index, b, prms));
        return IValue.FromTensor(new Tensor(new TensorStorage(buffer), b.DType, sizes, strides));
    }
}
