using Jit.Errors;
using Jit.Ir;
using Jit.TensorExpr.Lowering;

namespace Jit.Runtime.Devices;

/// <summary>
/// The <see cref="IFusedKernelCompiler"/> of every GPU-style backend: a fusion group (on a device,
/// also a single lowerable op) is lowered to a TE kernel, rendered and compiled by the device, and
/// launched on device tensors. A group that does not lower, or that the device cannot build, gives
/// null: the static runtime then runs it as an explicit host step.
/// </summary>
public sealed class GpuFusedKernelCompiler(GpuKernelCache cache) : IFusedKernelCompiler
{
    public OpKernel? TryCompile(Graph subgraph)
    {
        if (Compile(subgraph) is not { } kernel) return null;
        return (inputs, outputs) =>
        {
            var results = kernel.Run(cache.KernelInputs(inputs));
            if (results.Length != outputs.Length)
                throw new JitRuntimeException($"fused kernel {kernel.Kernel.Name} produced {results.Length} outputs, the group has {outputs.Length}");
            results.CopyTo(outputs);
        };
    }

    // The lowering's outputs are contiguous buffers, so the out-variant contract's destinations fit them.
    public OutKernel? TryCompileInto(Graph subgraph)
    {
        if (Compile(subgraph) is not { } kernel) return null;
        return (inputs, outputs) => kernel.RunInto(cache.KernelInputs(inputs), outputs);
    }

    private IGpuKernel? Compile(Graph subgraph)
    {
        var te = TeLowering.TryLowerGroup(subgraph, out _);
        if (te is null) return null;
        try
        {
            return cache.GetOrCompile(te);
        }
        catch (JitException e) when (e is not DeviceOutOfMemoryException)
        {
            // Said once per group, never silently: the plan shows it as a host step.
            Console.Error.WriteLine($"jit: warning: {cache.Device.Backend.Device} cannot compile kernel {te.Name}; it runs on the host: {e.Message.Split('\n')[0]}");
            return null;
        }
    }
}
