using Jit.Errors;
using Jit.Runtime;
using Jit.TensorExpr.Lowering;

namespace Jit.Backends.Cpu;

/// <summary>The CPU device: managed kernels for every tensor op of the registry.</summary>
public sealed class CpuBackend : IBackend
{
    private static readonly Lazy<KernelTable> SharedKernels = new(BuildKernels);

    public CpuBackend(Device device)
    {
        if (device.Kind != DeviceKind.Cpu)
            throw new DeviceUnavailableException(device.ToString(), "the CPU backend runs only the 'cpu' device");
        if (device.Index > 0)
            throw new DeviceUnavailableException(device.ToString(), "there is one CPU device: use 'cpu' or 'cpu:0'");
        Device = Device.Cpu;
    }

    public Device Device { get; }
    public KernelTable Kernels => SharedKernels.Value;

    /// <summary>
    /// A single op over 64K elements or more runs as a compiled group: its vector loop serves every
    /// layout, broadcast and dtype the lowering takes (a broadcast mul over [1,96,112,112] took 29 ms
    /// in the strided kernel, 0.18 ms compiled), and at that size the group's per-call cost (about
    /// 1 µs) is noise. Smaller ones keep the op's own kernel, which is cheaper to call.
    /// </summary>
    public long MinFusionGroupElements => 1 << 16;

    /// <summary>Fusion groups are lowered to tensor-expression kernels and compiled to IL; a group that
    /// cannot be lowered runs interpreted (the compiler returns null for it).</summary>
    public IFusedKernelCompiler? FusedKernelCompiler => SharedFusedCompiler.Value;

    private static readonly Lazy<IFusedKernelCompiler> SharedFusedCompiler =
        new(() => new Codegen.CpuFusedKernelCompiler(g => TeLowering.TryLowerGroup(g, out _)));

    /// <summary>Reseeds the generator behind rand/randn (values differ from PyTorch's generator whatever the seed).</summary>
    public static void ManualSeed(int seed) => Jit.Backends.Cpu.Kernels.RandomKernels.Seed(seed);

    private static KernelTable BuildKernels()
    {
        var table = new KernelTable();
        Jit.Backends.Cpu.Kernels.CpuKernelRegistration.RegisterAll(table);
        return table;
    }

    public void Dispose() { }
}
