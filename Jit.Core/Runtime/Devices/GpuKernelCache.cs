using System.Collections.Concurrent;
using Jit.TensorExpr;

namespace Jit.Runtime.Devices;

/// <summary>
/// Compiled kernels of one <see cref="IGpuDevice"/> by the TE kernel's structural hash, so an op
/// or group met again (another plan, another shape of the same symbolic kernel) skips rendering and
/// compiling. Two kernels with one hash are compared whole before one is reused.
/// </summary>
public sealed class GpuKernelCache(IGpuDevice device)
{
    private readonly ConcurrentDictionary<ulong, IGpuKernel[]> _kernels = new();

    public IGpuDevice Device { get; } = device;

    public int Count => _kernels.Count;

    public IGpuKernel GetOrCompile(TeKernel kernel)
    {
        ulong hash = kernel.StructuralHash();
        if (_kernels.TryGetValue(hash, out var found))
            foreach (var k in found)
                if (k.Kernel.Equals(kernel)) return k;
        var compiled = Device.Compile(kernel);
        _kernels.AddOrUpdate(hash, [compiled], (_, old) => [.. old, compiled]);
        return compiled;
    }

    /// <summary>
    /// The values a kernel takes: numbers become 0-dim tensors on the device (the lowering's number
    /// inputs are rank-0 buffers), tensors pass as they are.
    /// </summary>
    public IValue[] KernelInputs(ReadOnlySpan<IValue> values)
    {
        var result = new IValue[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            var v = values[i];
            result[i] = v.IsTensor ? v
                : IValue.FromTensor(Host.ConversionKernels.NumberToTensor(v).ToDevice(Device.Backend.Allocator!));
        }
        return result;
    }
}
