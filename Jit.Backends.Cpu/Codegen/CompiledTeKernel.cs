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
        _binding = new TeParamBinding(kernel, temps);
    }

    private readonly TeParamBinding _binding;

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
        var prms = BindParams(inputs, null, parameters);
        int n = Kernel.Inputs.Count;
        var outputs = new Tensor[Kernel.Outputs.Count];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = Allocate(n + i, Kernel.Outputs[i], prms);
        Execute(inputs, outputs, prms);
        return outputs;
    }

    /// <summary>Runs writing into the given outputs (their layout must match the kernel's output strides).</summary>
    public void Run(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, IReadOnlyDictionary<string, long>? parameters = null)
    {
        if (outputs.Count != Kernel.Outputs.Count)
            throw new JitRuntimeException($"kernel {Kernel.Name} has {Kernel.Outputs.Count} outputs, got {outputs.Count}");
        Execute(inputs, outputs, BindParams(inputs, outputs, parameters));
    }

    private long[] BindParams(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor>? outputs, IReadOnlyDictionary<string, long>? parameters)
    {
        if (inputs.Count != Kernel.Inputs.Count)
            throw new JitRuntimeException($"kernel {Kernel.Name} takes {Kernel.Inputs.Count} inputs, got {inputs.Count}");
        return _binding.Bind(inputs, outputs, parameters);
    }

    private void Check(int index, TeBuffer b, Tensor t, long[] prms)
    {
        if (t.DType != b.DType) throw new JitRuntimeException($"buffer {b.Name} is {b.DType.PythonName()}, tensor is {t.DType.PythonName()}");
        if (t.Rank != b.Rank) throw new JitRuntimeException($"buffer {b.Name} has rank {b.Rank}, tensor {t} has rank {t.Rank}");
        for (int d = 0; d < b.Rank; d++)
        {
            long size = _binding.Size(index, d, prms), stride = _binding.Stride(index, d, prms);
            // A dim of size 0 or 1 is only read at index 0 (or never), so its stride is irrelevant.
            if (size != t.Sizes[d] || (size > 1 && stride != t.Strides[d]))
                throw new JitRuntimeException(
                    $"buffer {b.Name} dim {d}: size {size} stride {stride} does not match tensor sizes [{string.Join(", ", t.SizesArray())}] strides [{string.Join(", ", t.StridesArray())}]");
        }
    }

    private Tensor Allocate(int index, TeBuffer b, long[] prms)
    {
        var sizes = new long[b.Rank];
        var strides = new long[b.Rank];
        for (int d = 0; d < b.Rank; d++)
        {
            sizes[d] = _binding.Size(index, d, prms);
            strides[d] = _binding.Stride(index, d, prms);
        }
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

    private unsafe void Execute(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, long[] prms)
    {
        int nIn = inputs.Count;
        for (int i = 0; i < nIn; i++) Check(i, Kernel.Inputs[i], inputs[i], prms);
        for (int i = 0; i < outputs.Count; i++) Check(nIn + i, Kernel.Outputs[i], outputs[i], prms);
        int nTensors = nIn + outputs.Count;
        var handles = new MemoryHandle[nTensors];
        var temps = new nint[_temps.Length];
        var slots = new nint[nTensors + _temps.Length];
        long work = 0;
        bool overlap = true;
        try
        {
            for (int k = 0; k < nTensors; k++)
            {
                var t = k < nIn ? inputs[k] : outputs[k - nIn];
                handles[k] = t.Storage.Bytes.Pin();
                slots[k] = (nint)((byte*)handles[k].Pointer + t.StorageOffset * t.DType.ElementSize());
                work += t.NumElements;
                if (k >= nIn)
                    for (int i = 0; i < nIn; i++)
                        if (ReferenceEquals(inputs[i].Storage, t.Storage)) overlap = false;
            }
            for (int k = 0; k < _temps.Length; k++)
            {
                var b = _temps[k];
                var sizes = new long[b.Rank];
                var strides = new long[b.Rank];
                for (int d = 0; d < b.Rank; d++)
                {
                    sizes[d] = _binding.Size(nTensors + k, d, prms);
                    strides[d] = _binding.Stride(nTensors + k, d, prms);
                }
                long span = Span(b, sizes, strides);
                temps[k] = (nint)NativeMemory.AlignedAlloc((nuint)Math.Max(span * b.DType.ElementSize(), 64), 64);
                slots[nTensors + k] = temps[k];
            }
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
