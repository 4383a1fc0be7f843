using System.Buffers;
using System.Runtime.InteropServices;
using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// A kernel compiled by <see cref="TeIlCompiler"/>. Runs on host tensors of any layout: params
/// are given or read off the bound tensors exactly as <see cref="TeEvaluator"/> does (a buffer
/// size or stride that is a bare param takes the tensor's value), every buffer is checked
/// against its tensor, and temporaries are allocated per call. Thread-safe: calls share nothing.
/// </summary>
public sealed class CompiledTeKernel
{
    private readonly TeBuffer[] _temps;
    private readonly TeKernelEntry _entry;
    private readonly TeRegionEntry[] _regions;
    private readonly TeCompileOptions _options;

    internal CompiledTeKernel(TeKernel kernel, TeBuffer[] temps, TeKernelEntry entry, TeRegionEntry[] regions, TeCompileOptions options, int vectorBits, int vectorizedLoops)
    {
        Kernel = kernel;
        _temps = temps;
        _entry = entry;
        _regions = regions;
        _options = options;
        VectorBits = vectorBits;
        VectorizedLoops = vectorizedLoops;
    }

    public TeKernel Kernel { get; }

    /// <summary>The SIMD width the vectorized loops use (0: scalar code only).</summary>
    public int VectorBits { get; }

    /// <summary>How many loops have a SIMD part (the rest run scalar).</summary>
    public int VectorizedLoops { get; }

    /// <summary>How many top-level parallel loops were outlined for threads.</summary>
    public int ParallelRegions => _regions.Length;

    /// <summary>Runs with freshly allocated contiguous outputs; returns them.</summary>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, IReadOnlyDictionary<string, long>? parameters = null)
    {
        var vars = BindParams(inputs, null, parameters);
        var outputs = Kernel.Outputs.Select(b => Allocate(b, vars)).ToArray();
        Execute(inputs, outputs, vars);
        return outputs;
    }

    /// <summary>Runs writing into the given outputs (their layout must match the kernel's output strides).</summary>
    public void Run(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, IReadOnlyDictionary<string, long>? parameters = null)
    {
        if (outputs.Count != Kernel.Outputs.Count)
            throw new JitRuntimeException($"kernel {Kernel.Name} has {Kernel.Outputs.Count} outputs, got {outputs.Count}");
        Execute(inputs, outputs, BindParams(inputs, outputs, parameters));
    }

    private Dictionary<Var, long> BindParams(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor>? outputs, IReadOnlyDictionary<string, long>? parameters)
    {
        if (inputs.Count != Kernel.Inputs.Count)
            throw new JitRuntimeException($"kernel {Kernel.Name} takes {Kernel.Inputs.Count} inputs, got {inputs.Count}");
        var vars = new Dictionary<Var, long>();
        if (parameters is not null)
        {
            foreach (var p in Kernel.Params)
            {
                if (parameters.TryGetValue(p.Name, out long v)) vars[p] = v;
            }
        }
        for (int i = 0; i < inputs.Count; i++) Infer(Kernel.Inputs[i], inputs[i], vars);
        if (outputs is not null)
        {
            for (int i = 0; i < outputs.Count; i++) Infer(Kernel.Outputs[i], outputs[i], vars);
        }
        foreach (var p in Kernel.Params)
        {
            if (!vars.ContainsKey(p)) throw new JitRuntimeException($"kernel {Kernel.Name}: param {p.Name} is not bound and cannot be inferred");
        }
        return vars;
    }

    private static void Infer(TeBuffer b, Tensor t, Dictionary<Var, long> vars)
    {
        if (t.Rank != b.Rank) throw new JitRuntimeException($"buffer {b.Name} has rank {b.Rank}, tensor {t} has rank {t.Rank}");
        for (int d = 0; d < b.Rank; d++)
        {
            if (b.Sizes[d] is Var sv) vars.TryAdd(sv, t.Sizes[d]);
            if (b.Strides[d] is Var tv) vars.TryAdd(tv, t.Strides[d]);
        }
    }

    private static void Check(TeBuffer b, Tensor t, Dictionary<Var, long> vars)
    {
        if (t.DType != b.DType) throw new JitRuntimeException($"buffer {b.Name} is {b.DType.PythonName()}, tensor is {t.DType.PythonName()}");
        for (int d = 0; d < b.Rank; d++)
        {
            long size = TeHostIndex.Eval(b.Sizes[d], vars), stride = TeHostIndex.Eval(b.Strides[d], vars);
            // A dim of size 0 or 1 is only read at index 0 (or never), so its stride is irrelevant.
            if (size != t.Sizes[d] || (size > 1 && stride != t.Strides[d]))
                throw new JitRuntimeException(
                    $"buffer {b.Name} dim {d}: size {size} stride {stride} does not match tensor sizes [{string.Join(", ", t.SizesArray())}] strides [{string.Join(", ", t.StridesArray())}]");
        }
    }

    private static Tensor Allocate(TeBuffer b, Dictionary<Var, long> vars)
    {
        var sizes = b.Sizes.Select(e => TeHostIndex.Eval(e, vars)).ToArray();
        var strides = b.Strides.Select(e => TeHostIndex.Eval(e, vars)).ToArray();
        return new Tensor(new TensorStorage(Math.Max(Span(b, sizes, strides), 1) * b.DType.ElementSize()), b.DType, sizes, strides);
    }

    private static long Span(TeBuffer b, long[] sizes, long[] strides)
    {
        long span = 1;
        for (int d = 0; d < sizes.Length; d++)
        {
            if (sizes[d] < 0) throw new JitRuntimeException($"buffer {b.Name} has negative size [{string.Join(", ", sizes)}]");
            if (sizes[d] == 0) return 0;
            if (strides[d] < 0) throw new JitRuntimeException($"buffer {b.Name} has a negative stride");
            span += (sizes[d] - 1) * strides[d];
        }
        return span;
    }

    private unsafe void Execute(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, Dictionary<Var, long> vars)
    {
        for (int i = 0; i < inputs.Count; i++) Check(Kernel.Inputs[i], inputs[i], vars);
        for (int i = 0; i < outputs.Count; i++) Check(Kernel.Outputs[i], outputs[i], vars);
        var prms = Kernel.Params.Select(p => vars[p]).ToArray();
        int nTensors = inputs.Count + outputs.Count;
        var handles = new MemoryHandle[nTensors];
        var temps = new nint[_temps.Length];
        var slots = new nint[nTensors + _temps.Length];
        long work = 0;
        try
        {
            for (int k = 0; k < nTensors; k++)
            {
                var t = k < inputs.Count ? inputs[k] : outputs[k - inputs.Count];
                handles[k] = t.Storage.Bytes.Pin();
                slots[k] = (nint)((byte*)handles[k].Pointer + t.StorageOffset * t.DType.ElementSize());
                work += t.NumElements;
            }
            for (int k = 0; k < _temps.Length; k++)
            {
                var b = _temps[k];
                long span = Span(b, b.Sizes.Select(e => TeHostIndex.Eval(e, vars)).ToArray(), b.Strides.Select(e => TeHostIndex.Eval(e, vars)).ToArray());
                temps[k] = (nint)NativeMemory.AlignedAlloc((nuint)Math.Max(span * b.DType.ElementSize(), 64), 64);
                slots[nTensors + k] = temps[k];
            }
            bool overlap = !outputs.Any(o => inputs.Any(t => ReferenceEquals(t.Storage, o.Storage)));
            var context = new TeRunContext(_regions, work, _options.ParallelMinElements, overlap);
            fixed (nint* s = slots)
            fixed (long* p = prms)
            {
                _entry((byte**)s, p, context);
            }
        }
        finally
        {
            foreach (var h in handles) h.Dispose();
            foreach (var t in temps)
            {
                if (t != 0) NativeMemory.AlignedFree((void*)t);
            }
        }
    }
}
