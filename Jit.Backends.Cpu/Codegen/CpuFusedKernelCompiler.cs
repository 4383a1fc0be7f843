using Jit.Errors;
using Jit.Ir;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// The CPU backend's <see cref="IFusedKernelCompiler"/>: lowers a fusion group's subgraph to a
/// <see cref="TeKernel"/> with the given <c>lower</c> function (TeLowering.LowerGroup), compiles
/// it through a <see cref="TeKernelCache"/>, and returns an <see cref="OpKernel"/> that binds the
/// group's tensor inputs in order (any strides) to the kernel inputs and allocates its outputs, or
/// an <see cref="OutKernel"/> that writes into given contiguous outputs and allocates nothing.
/// A group that does not lower, or a kernel the IL compiler rejects, gives null so the
/// interpreter runs the subgraph itself.
/// </summary>
public sealed class CpuFusedKernelCompiler(Func<Graph, TeKernel?> lower, TeKernelCache? cache = null) : IFusedKernelCompiler
{
    private readonly TeKernelCache _cache = cache ?? TeKernelCache.Shared;

    public OpKernel? TryCompile(Graph subgraph)
    {
        if (Compile(subgraph) is not { } compiled) return null;
        var kernel = compiled.Kernel;
        return (inputs, outputs) =>
        {
            // The lowering makes every group input a buffer: numbers become 0-dim int64/float64/bool tensors.
            var tensors = new List<Tensor>(inputs.Length);
            foreach (var v in inputs)
                tensors.Add(v.IsTensor ? v.AsTensor : Jit.Runtime.Host.ConversionKernels.NumberToTensor(v));
            var results = compiled.Run(tensors);
            if (results.Length != outputs.Length)
                throw new JitRuntimeException($"fused kernel {kernel.Name} produced {results.Length} outputs, the group has {outputs.Length}");
            for (int i = 0; i < results.Length; i++) outputs[i] = IValue.FromTensor(results[i]);
        };
    }

    // The lowering's outputs are contiguous buffers, so the out-variant contract's destinations fit them.
    public OutKernel? TryCompileInto(Graph subgraph) => Compile(subgraph) is { } compiled ? compiled.RunInto : null;

    private CompiledTeKernel? Compile(Graph subgraph)
    {
        TeKernel? kernel = lower(subgraph);
        if (kernel is null) return null;
        try
        {
            return _cache.GetOrCompile(ParallelizeOuterLoops(kernel));
        }
        catch (JitRuntimeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The default CPU schedule of a lowered group: each top-level loop nest is split across cores
    /// (the IL runs it in parallel only when the call is big enough and every store is indexed by that
    /// loop, so reductions over it stay serial); the innermost loops vectorize by themselves.
    /// </summary>
    internal static TeKernel ParallelizeOuterLoops(TeKernel kernel)
    {
        var stmts = kernel.Body is BlockStmt block ? block.Stmts : [kernel.Body];
        foreach (var stmt in stmts)
        {
            if (stmt is ForStmt { Annotation.Kind: LoopKind.Serial } loop)
                kernel = TeSchedule.Parallel(kernel, loop.Index);
        }
        return kernel;
    }
}
