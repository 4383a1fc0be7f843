using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// A fast path of an out-variant: writes the op's result into <paramref name="output"/> and returns
/// true, or returns false (having written nothing) when the operands are not the layout it handles.
/// </summary>
internal delegate bool OutFastPath(ReadOnlySpan<IValue> inputs, Tensor output);

/// <summary>
/// Registration and shared checks for the out-variants. Each one is a fast path over contiguous
/// float32 operands that allocates nothing, backed by the op's ordinary kernel plus one copy into
/// the destination for every other case, so an out-variant is never less general than its kernel.
/// </summary>
internal static class OutSupport
{
    // Every out-variant's fast path by overload name (the same stateless paths for every table), so
    // the in-place kernels can write straight into self (MathInPlaceKernels).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, OutFastPath> FastPaths = new(StringComparer.Ordinal);

    /// <summary>The fast path of <paramref name="overloadName"/>'s out-variant, once it is registered.</summary>
    public static bool TryGetFastPath(string overloadName, out OutFastPath fast) => FastPaths.TryGetValue(overloadName, out fast!);

    public static void Add(KernelTable table, string overloadName, OutFastPath fast)
    {
        if (!table.TryGet(overloadName, out var kernel))
            throw new JitException($"out-variant for '{overloadName}', which has no kernel");
        FastPaths.TryAdd(overloadName, fast);
        table.AddOut(overloadName, (inputs, outputs) =>
        {
            var destination = outputs[0].AsTensor;
            if (!fast(inputs, destination)) RunAndCopy(kernel, inputs, destination, overloadName);
        });
    }

    private static void RunAndCopy(OpKernel kernel, ReadOnlySpan<IValue> inputs, Tensor destination, string op)
    {
        var results = new IValue[1];
        kernel(inputs, results);
        var r = results[0].AsTensor;
        if (r.DType != destination.DType || !r.Sizes.SequenceEqual(destination.Sizes))
            throw new JitShapeException(
                $"{op}: the result is {r.DType.PythonName()}{ShapeUtil.Format(r.Sizes)} but its planned buffer is {destination.DType.PythonName()}{ShapeUtil.Format(destination.Sizes)}");
        ShapeCopy.Copy(r, destination);
    }

    /// <summary>Contiguous float32: what every fast path reads and writes.</summary>
    public static bool IsF32(Tensor t) => t.DType == DType.Float32 && t.IsContiguous;

    public static bool IsF32(Tensor? t, long numel) => t is null || (IsF32(t) && t.NumElements == numel);

    public static Span<float> F32(Tensor t) => t.ContiguousSpan<float>();

    /// <summary>Item <paramref name="i"/> of an int list argument that may hold one value for every dim (<c>stride=2</c>).</summary>
    public static long Int(IValue list, int i)
    {
        if (list.IsInt) return list.AsInt;
        var l = list.AsList;
        return l.Count == 1 ? l[0].AsInt : l[i].AsInt;
    }

    /// <summary>Row-major strides of a contiguous tensor, into <paramref name="strides"/>.</summary>
    public static void ContiguousStrides(ReadOnlySpan<long> sizes, Span<long> strides)
    {
        long s = 1;
        for (int d = sizes.Length - 1; d >= 0; d--)
        {
            strides[d] = s;
            s *= sizes[d];
        }
    }
}
