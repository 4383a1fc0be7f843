using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Jit.Errors;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// A kernel compiled by <see cref="TeIlCompiler"/>. Runs on host tensors of any layout: params
/// are given or read off the bound tensors exactly as <see cref="TeEvaluator"/> does (a buffer
/// size or stride that is a bare param takes the tensor's value), every buffer is checked
/// against its tensor, and temporaries are allocated per call (native memory). A call keeps its
/// pins, buffer pointers and params on the stack and its run context is made once per kernel,
/// so <see cref="RunInto"/> allocates nothing on the managed heap. Thread-safe: calls share nothing
/// mutable.
/// </summary>
public sealed class CompiledTeKernel
{
    // Buffers pinned on the stack per call; a kernel binding more pins them in a heap array.
    private const int StackPins = 16;

    private readonly TeBuffer[] _temps;
    private readonly TeKernelEntry _entry;
    private readonly TeCompileOptions _options;
    private readonly TeParamBinding _binding;
    // By (parallel ? 1 : 0) + (overlapTail ? 2 : 0).
    private readonly TeRunContext[] _contexts;

    internal CompiledTeKernel(TeKernel kernel, TeBuffer[] temps, TeKernelEntry entry, TeRegionEntry[] regions, TeCompileOptions options, int vectorBits, int vectorizedLoops)
    {
        Kernel = kernel;
        _temps = temps;
        _entry = entry;
        _options = options;
        VectorBits = vectorBits;
        VectorizedLoops = vectorizedLoops;
        ParallelRegions = regions.Length;
        _binding = new TeParamBinding(kernel, temps);
        _contexts = [.. Enumerable.Range(0, 4).Select(k => new TeRunContext(regions, parallel: (k & 1) != 0, overlapTail: (k & 2) != 0))];
    }

    public TeKernel Kernel { get; }

    /// <summary>The SIMD width the vectorized loops use (0: scalar code only).</summary>
    public int VectorBits { get; }

    /// <summary>How many loops have a SIMD part (the rest run scalar).</summary>
    public int VectorizedLoops { get; }

    /// <summary>How many top-level parallel loops were outlined for threads.</summary>
    public int ParallelRegions { get; }

    /// <summary>Runs with freshly allocated contiguous outputs; returns them.</summary>
    public Tensor[] Run(IReadOnlyList<Tensor> inputs, IReadOnlyDictionary<string, long>? parameters = null)
    {
        var ins = Values(inputs);
        CheckCounts(ins.Length, Kernel.Outputs.Count);
        var prms = new long[_binding.ParamCount];
        _binding.Bind(ins, [], parameters, prms);
        int n = Kernel.Inputs.Count;
        var outputs = new Tensor[Kernel.Outputs.Count];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = Allocate(n + i, Kernel.Outputs[i], prms);
        Execute(ins, Values(outputs), prms);
        return outputs;
    }

    /// <summary>Runs writing into the given outputs (their layout must match the kernel's output strides).</summary>
    public void Run(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs, IReadOnlyDictionary<string, long>? parameters = null)
    {
        CheckCounts(inputs.Count, outputs.Count);
        var ins = Values(inputs);
        var outs = Values(outputs);
        var prms = new long[_binding.ParamCount];
        _binding.Bind(ins, outs, parameters, prms);
        Execute(ins, outs, prms);
    }

    /// <summary>
    /// Runs on a fusion group's values, writing into <paramref name="outputs"/> (tensors whose layout
    /// matches the kernel's output strides). An input may be a number, bound as the 0-dim buffer the
    /// lowering made of it (int: int64, float: float64, bool: bool). Allocates nothing on the managed heap.
    /// </summary>
    public void RunInto(ReadOnlySpan<IValue> inputs, ReadOnlySpan<IValue> outputs)
    {
        CheckCounts(inputs.Length, outputs.Length);
        int count = _binding.ParamCount;
        Span<long> prms = count <= 16 ? stackalloc long[16] : new long[count];
        prms = prms[..count];
        _binding.Bind(inputs, outputs, null, prms);
        Execute(inputs, outputs, prms);
    }

    private static IValue[] Values(IReadOnlyList<Tensor> tensors)
    {
        var values = new IValue[tensors.Count];
        for (int i = 0; i < values.Length; i++) values[i] = IValue.FromTensor(tensors[i]);
        return values;
    }

    private void CheckCounts(int inputs, int outputs)
    {
        if (inputs != Kernel.Inputs.Count)
            throw new JitRuntimeException($"kernel {Kernel.Name} takes {Kernel.Inputs.Count} inputs, got {inputs}");
        if (outputs != Kernel.Outputs.Count)
            throw new JitRuntimeException($"kernel {Kernel.Name} has {Kernel.Outputs.Count} outputs, got {outputs}");
    }

    private void Check(int index, TeBuffer b, IValue v, ReadOnlySpan<long> prms)
    {
        if (!v.IsTensor)
        {
            if (b.Rank != 0 || b.DType != NumberDType(v, b))
                throw new JitRuntimeException($"buffer {b.Name} is {b.DType.PythonName()} of rank {b.Rank}, but a {v.TagName} was given for it");
            return;
        }
        var t = v.AsTensor;
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

    // The dtype of the 0-dim tensor a number stands for (as ConversionKernels.NumberToTensor makes it).
    private static DType NumberDType(IValue v, TeBuffer b) => v.Tag switch
    {
        IValueTag.Int => DType.Int64,
        IValueTag.Double => DType.Float64,
        IValueTag.Bool => DType.Bool,
        _ => throw new JitRuntimeException($"buffer {b.Name}: a {v.TagName} cannot be bound to a kernel buffer"),
    };

    private Tensor Allocate(int index, TeBuffer b, ReadOnlySpan<long> prms)
    {
        var sizes = new long[b.Rank];
        var strides = new long[b.Rank];
        for (int d = 0; d < b.Rank; d++)
        {
            sizes[d] = _binding.Size(index, d, prms);
            strides[d] = _binding.Stride(index, d, prms);
        }
        return new Tensor(new TensorStorage(_binding.AllocationBytes(index, b, prms)), b.DType, sizes, strides);
    }

    [InlineArray(StackPins)]
    private struct PinBuffer
    {
        private MemoryHandle _first;
    }

    private unsafe void Execute(ReadOnlySpan<IValue> inputs, ReadOnlySpan<IValue> outputs, Span<long> prms)
    {
        int nIn = inputs.Length;
        for (int i = 0; i < nIn; i++) Check(i, Kernel.Inputs[i], inputs[i], prms);
        for (int i = 0; i < outputs.Length; i++) Check(nIn + i, Kernel.Outputs[i], outputs[i], prms);
        int nTensors = nIn + outputs.Length;
        var pinBuffer = new PinBuffer();
        Span<MemoryHandle> pins = nTensors <= StackPins ? pinBuffer : new MemoryHandle[nTensors];
        nint* slots = stackalloc nint[nTensors + _temps.Length];
        // Numbers bound as 0-dim buffers: one cell each, written as the buffer's dtype reads it.
        long* numbers = stackalloc long[Math.Max(nIn, 1)];
        int pinned = 0, allocatedTemps = 0;
        long work = 0;
        bool overlap = true;
        try
        {
            for (int k = 0; k < nTensors; k++)
            {
                var v = k < nIn ? inputs[k] : outputs[k - nIn];
                if (!v.IsTensor)
                {
                    numbers[k] = v.Tag switch { IValueTag.Double => BitConverter.DoubleToInt64Bits(v.AsDouble), IValueTag.Bool => v.AsBool ? 1 : 0, _ => v.AsInt };
                    slots[k] = (nint)(numbers + k);
                    work++;
                    continue;
                }
                var t = v.AsTensor;
                pins[k] = t.Storage.Bytes.Pin();
                pinned = k + 1;
                slots[k] = (nint)((byte*)pins[k].Pointer + t.StorageOffset * t.DType.ElementSize());
                work += t.NumElements;
                if (k >= nIn)
                    for (int i = 0; i < nIn; i++)
                        if (inputs[i].IsTensor && ReferenceEquals(inputs[i].AsTensor.Storage, t.Storage)) overlap = false;
            }
            for (int k = 0; k < _temps.Length; k++)
            {
                long bytes = _binding.ElementExtent(nTensors + k, _temps[k].Name, prms) * _temps[k].DType.ElementSize();
                slots[nTensors + k] = (nint)NativeMemory.AlignedAlloc((nuint)Math.Max(bytes, 64), 64);
                allocatedTemps = k + 1;
            }
            var context = _contexts[(work >= _options.ParallelMinElements ? 1 : 0) + (overlap ? 2 : 0)];
            fixed (long* p = prms)
            {
                _entry((byte**)slots, p, context);
            }
        }
        finally
        {
            for (int k = 0; k < pinned; k++) pins[k].Dispose();
            for (int k = 0; k < allocatedTemps; k++) NativeMemory.AlignedFree((void*)slots[nTensors + k]);
        }
    }
}
