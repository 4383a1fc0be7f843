using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Runtime;

namespace Jit.Tests.Testing;

/// <summary>The CPU backend plus a fused-kernel compiler that interprets each group and counts compilations.</summary>
public sealed class FusingBackend : IBackend
{
    private readonly CpuBackend _cpu = new(Device.Cpu);

    public FusingBackend() => Compiler = new CountingCompiler(_cpu);

    public CountingCompiler Compiler { get; }
    public Device Device => _cpu.Device;
    public KernelTable Kernels => _cpu.Kernels;
    public IFusedKernelCompiler? FusedKernelCompiler => Compiler;
    public void Dispose() => _cpu.Dispose();

    /// <summary>Compiles a group into the reference interpretation of its subgraph, counting calls.</summary>
    public sealed class CountingCompiler(IBackend backend) : IFusedKernelCompiler
    {
        private int _compiled;

        public int Compiled => _compiled;

        public OpKernel? TryCompile(Graph subgraph)
        {
            Interlocked.Increment(ref _compiled);
            return InterpretedFusedKernel.Create(subgraph, backend);
        }
    }
}
