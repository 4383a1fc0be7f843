using System.Collections.Concurrent;
using Jit.Backends.Cpu;
using Jit.Backends.Cpu.Codegen;
using Jit.Codegen;
using Jit.Kernels;
using Jit.Ops;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Kernels.Templates;

/// <summary>
/// Runs an op's kernel template through <see cref="TeEvaluator"/> and the CPU backend's kernel for
/// the same overload on the same arguments, and compares (float rtol 1e-5 / atol 1e-6, integers
/// exact). Also checks the <see cref="ExternKernel"/> contract: inputs are the tensor arguments,
/// outputs are contiguous, every param is a bare size or stride of a bound buffer, and calls with
/// the same cache key get the very same kernel. The kernel is also compiled by the CPU backend's
/// TE compiler with its outermost output loops run in parallel (they carry no dependences) and
/// compared the same way. A GPU form that differs (a tiled matrix product) must evaluate to the
/// same results as the loop nest.
/// </summary>
internal sealed class TemplateHarness
{
    private static readonly CpuBackend Cpu = new(Device.Cpu);
    private static readonly ConcurrentDictionary<string, CompiledTeKernel> Compiled = new();
    private static readonly TeCompileOptions AlwaysParallel = new() { ParallelMinElements = 0 };
    private readonly Dictionary<string, TeKernel> _byKey = [];

    /// <summary>Checks one call; <paramref name="given"/> are the leading schema arguments (defaults fill the rest).</summary>
    public ExternKernel Check(string overload, params IValue[] given)
    {
        var schema = OpRegistry.Default.FindOverload(overload) ?? throw new InvalidOperationException($"no schema for {overload}");
        var args = OpRegistry.FillDefaults(schema, given);
        Assert.True(ExternKernels.TryBuild(overload, args, out var kernel, out var reason), reason);
        CheckContract(kernel, args);
        if (_byKey.TryGetValue(kernel.CacheKey, out var earlier)) Assert.Equal(earlier, kernel.Kernel);
        else _byKey[kernel.CacheKey] = kernel.Kernel;

        Assert.True(Cpu.Kernels.TryGet(overload, out var cpu), $"no CPU kernel for {overload}");
        var expected = new IValue[schema.Returns.Count];
        cpu(args, expected);
        var inputs = kernel.Inputs(args);
        var evaluated = TeEvaluator.Run(kernel.Kernel, inputs);
        Compare(expected, evaluated, $"{overload} evaluated ({kernel.CacheKey})");
        CheckGpuForm(overload, args, kernel, evaluated);
        var compiled = Compiled.GetOrAdd(kernel.CacheKey, _ => TeIlCompiler.Compile(ParallelOuterLoops(kernel.Kernel), AlwaysParallel));
        Assert.True(compiled.ParallelRegions > 0 || kernel.Kernel.Outputs.All(o => o.Rank == 0), $"{kernel.CacheKey}: no parallel loop");
        Compare(expected, compiled.Run(inputs), $"{overload} compiled ({kernel.CacheKey})");
        return kernel;
    }

    // Where the GPU form differs (a tiled matrix product), it schedules as is and evaluates to the
    // loop nest's results (the same sums in the same order).
    private static void CheckGpuForm(string overload, IValue[] args, ExternKernel cpuForm, Tensor[] expected)
    {
        Assert.True(ExternKernels.TryBuild(overload, args, KernelTarget.Gpu, out var gpuForm, out var reason), reason);
        if (gpuForm.Kernel.Equals(cpuForm.Kernel)) return;
        Assert.NotEqual(cpuForm.CacheKey, gpuForm.CacheKey);
        var stages = GpuSchedule.Apply(gpuForm.Kernel).Stages;
        Assert.Equal([GpuStageKind.Tiled], stages.Select(s => s.Kind));
        Compare([.. expected.Select(IValue.FromTensor)], TeEvaluator.Run(gpuForm.Kernel, gpuForm.Inputs(args)), $"{overload} tiled ({gpuForm.CacheKey})");
    }

    private static void Compare(IValue[] expected, Tensor[] actual, string where)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            ValueAssert.TensorClose(expected[i].AsTensor, actual[i], rtol: 1e-5, atol: 1e-6, where: $"{where} output {i}");
    }

    private static TeKernel ParallelOuterLoops(TeKernel kernel)
    {
        IEnumerable<Stmt> top = kernel.Body is BlockStmt block ? block.Stmts : [kernel.Body];
        return top.OfType<ForStmt>().Select(f => f.Index).Aggregate(kernel, TeSchedule.Parallel);
    }

    /// <summary>Asserts the template declines the call (the runtime then runs the CPU kernel).</summary>
    public static void Declines(string overload, params IValue[] given)
    {
        var schema = OpRegistry.Default.FindOverload(overload)!;
        var args = OpRegistry.FillDefaults(schema, given);
        Assert.False(ExternKernels.TryBuild(overload, args, out _, out var reason));
        Assert.StartsWith(overload, reason);
    }

    private static void CheckContract(ExternKernel kernel, IValue[] args)
    {
        var k = kernel.Kernel;
        var inputs = kernel.Inputs(args);
        Assert.Equal(k.Inputs.Count, inputs.Length);
        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(k.Inputs[i].DType, inputs[i].DType);
            Assert.Equal(k.Inputs[i].Rank, inputs[i].Rank);
        }
        foreach (var output in k.Outputs) Assert.Equal(TeBuffer.ContiguousStrides(output.Sizes), output.Strides);
        var bare = k.Inputs.Concat(k.Outputs).SelectMany(b => b.Sizes.Concat(b.Strides)).OfType<Var>().ToHashSet();
        foreach (var p in k.Params) Assert.True(bare.Contains(p), $"param {p.Name} is no buffer's bare size or stride in {k}");
    }
}
