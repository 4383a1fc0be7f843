using System.Collections.Concurrent;
using Jit.Errors;
using Jit.Runtime;
using Jit.Runtime.Devices;

namespace Jit.Kernels;

/// <summary>
/// Every extern-op template as a kernel of a GPU-style backend (OpenCL, CUDA, Vulkan): the template
/// is instantiated for a call's dtypes, ranks and constants, compiled once per cache key by the
/// device, and launched on device tensors, allocating its outputs or (the out-variant the static
/// runtime plans) writing into given ones. Each kernel states its precondition, so a call no
/// template covers is planned as an explicit host step instead of failing.
/// </summary>
public static class GpuExternKernels
{
    public static void Register(KernelTable table, GpuKernelCache cache)
    {
        // By the call's signature: a template builds its TE kernel anew each time it is asked, which a
        // steady-state call must not pay for.
        var compiled = new ConcurrentDictionary<(ulong, ulong), (IGpuKernel, ExternKernel)>();
        foreach (var name in ExternKernels.Names)
        {
            if (table.Contains(name)) continue;
            string op = name;
            table.Add(op, (inputs, outputs) =>
            {
                var (kernel, extern_) = Instantiate(op, inputs, cache, compiled);
                var results = kernel.Run(Values(extern_.Inputs(inputs)));
                results.AsSpan(0, outputs.Length).CopyTo(outputs);
            });
            table.AddOut(op, (inputs, outputs) =>
            {
                var (kernel, extern_) = Instantiate(op, inputs, cache, compiled);
                kernel.RunInto(Values(extern_.Inputs(inputs)), outputs);
            });
            table.SetPrecondition(op, arguments => ExternKernels.TryBuild(op, arguments, KernelTarget.Gpu, out _, out var reason) ? null : reason);
        }
    }

    private static (IGpuKernel Kernel, ExternKernel Extern) Instantiate(string op, ReadOnlySpan<IValue> inputs, GpuKernelCache cache,
        ConcurrentDictionary<(ulong, ulong), (IGpuKernel, ExternKernel)> compiled)
    {
        var key = CallSignature.Of(op, inputs);
        if (compiled.TryGetValue(key, out var found)) return found;
        if (!ExternKernels.TryBuild(op, inputs, KernelTarget.Gpu, out var e, out var reason))
            throw new JitDeviceException(cache.Device.Backend.Device.ToString(), $"no device kernel runs {reason}");
        return compiled.GetOrAdd(key, (cache.GetOrCompile(e.Kernel), e));
    }

    private static IValue[] Values(Jit.Tensors.Tensor[] tensors)
    {
        var values = new IValue[tensors.Length];
        for (int i = 0; i < values.Length; i++) values[i] = IValue.FromTensor(tensors[i]);
        return values;
    }
}
