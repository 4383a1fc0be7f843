using System.Text;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime.Cuda;
using Jit.Codegen;
using Jit.Errors;
using Jit.TensorExpr;

namespace Jit.Backends.Cuda.Codegen;

/// <summary>A kernel's PTX: its stages and each entry point's module, as the driver loads them.</summary>
public sealed record PtxProgram(GpuScheduledKernel Scheduled, IReadOnlyList<(string Entry, string Ptx)> Entries)
{
    /// <summary>Every entry's module, each after a comment naming it.</summary>
    public string Text
    {
        get
        {
            var sb = new StringBuilder();
            foreach (var (entry, ptx) in Entries) sb.Append("// entry ").Append(entry).Append('\n').Append(ptx).Append('\n');
            return sb.ToString();
        }
    }
}

/// <summary>
/// Kernels as PTX with no GPU: the kernel IL of <see cref="KernelAssembly"/> through ILGPU's PTX
/// backend for a chosen architecture, one ILGPU context per architecture (code generation is
/// serialized on it; a failure clears it, as ILGPU needs). What <c>jit inspect --device cuda
/// --emit source</c> prints, and what the tests compile for sm_80 and sm_90.
/// </summary>
public static class PtxRenderer
{
    private static readonly Dictionary<CudaArchitecture, (Context Context, PTXBackend Backend)> Backends = [];
    private static readonly object Lock = new();

    /// <summary>The PTX ISA each architecture is rendered with: the lowest that supports it.</summary>
    public static CudaInstructionSet InstructionSet(CudaArchitecture arch) =>
        arch >= CudaArchitecture.SM_90 ? CudaInstructionSet.ISA_78 : CudaInstructionSet.ISA_70;

    public static PtxProgram Render(TeKernel kernel, CudaArchitecture arch, int localSize = GpuSchedule.DefaultLocalSize)
    {
        var assembly = KernelAssembly.Emit(kernel, localSize);
        var entries = new List<(string, string)>();
        lock (Lock)
        {
            var backend = BackendFor(arch);
            foreach (var entry in assembly.EntryNames)
            {
                try
                {
                    var compiled = (PTXCompiledKernel)backend.Backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(assembly.Entry(entry)), default);
                    entries.Add((entry, compiled.PTXAssembly));
                }
                catch (Exception e) when (e is not JitException)
                {
                    backend.Context.ClearCache(ClearCacheMode.Everything);
                    throw new JitIrException($"ILGPU cannot compile kernel {kernel.Name} (entry {entry}) to PTX for {arch}: {CudaKernelLoader.Innermost(e).Message}");
                }
            }
        }
        return new PtxProgram(assembly.Scheduled, entries);
    }

    private static (Context Context, PTXBackend Backend) BackendFor(CudaArchitecture arch)
    {
        if (Backends.TryGetValue(arch, out var found)) return found;
        var context = Context.Create(b => b.EnableAlgorithms().Optimize(OptimizationLevel.O1));
        var backend = new PTXBackend(context, new CudaCapabilityContext(arch), arch, InstructionSet(arch), null);
        return Backends[arch] = (context, backend);
    }
}
