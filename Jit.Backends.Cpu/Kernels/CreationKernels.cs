using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// Factory ops. Layout, device and pin_memory arguments are accepted and ignored (this is the CPU
/// backend; strided layout only). <c>empty</c> is zero-filled so runs are deterministic.
/// </summary>
internal static class CreationKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::zeros", (i, o) => o[0] = Tensor.Empty(DTypeOr(i[1], DType.Float32, "aten::zeros"), Size(i[0], "aten::zeros")));
        t.Add("aten::empty.memory_format", (i, o) => o[0] = Tensor.Empty(DTypeOr(i[1], DType.Float32, "aten::empty"), Size(i[0], "aten::empty")));
        t.Add("aten::ones", (i, o) => o[0] = Filled(Size(i[0], "aten::ones"), DTypeOr(i[1], DType.Float32, "aten::ones"), 1L));
        t.Add("aten::full", (i, o) => o[0] = Filled(Size(i[0], "aten::full"), DTypeOr(i[2], ShapeArgs.ScalarDefaultDType(i[1]), "aten::full"), i[1]));
        t.Add("aten::zeros_like", (i, o) => o[0] = Tensor.Empty(DTypeOr(i[1], i[0].AsTensor.DType, "aten::zeros_like"), i[0].AsTensor.Sizes));
        t.Add("aten::empty_like", (i, o) => o[0] = Tensor.Empty(DTypeOr(i[1], i[0].AsTensor.DType, "aten::empty_like"), i[0].AsTensor.Sizes));
        t.Add("aten::ones_like", (i, o) => o[0] = Filled(i[0].AsTensor.Sizes, DTypeOr(i[1], i[0].AsTensor.DType, "aten::ones_like"), 1L));
        t.Add("aten::full_like", (i, o) => o[0] = Filled(i[0].AsTensor.Sizes, DTypeOr(i[2], i[0].AsTensor.DType, "aten::full_like"), i[1]));
        t.Add("aten::arange", (i, o) => o[0] = Arange(0L, i[0], 1L, i[1]));
        t.Add("aten::arange.start", (i, o) => o[0] = Arange(i[0], i[1], 1L, i[2]));
        t.Add("aten::arange.start_step", (i, o) => o[0] = Arange(i[0], i[1], i[2], i[3]));
        t.Add("aten::eye", (i, o) => o[0] = Eye(i[0].AsInt, i[0].AsInt, i[1]));
        t.Add("aten::eye.m", (i, o) => o[0] = Eye(i[0].AsInt, i[1].AsInt, i[2]));
        // scalar_tensor takes the default float dtype whatever the number's type (unlike tensor.*).
        t.Add("aten::scalar_tensor", (i, o) => o[0] = Filled([], DTypeOr(i[1], DType.Float32, "aten::scalar_tensor"), i[0]));
        foreach (var name in new[] { "aten::tensor.float", "aten::tensor.int", "aten::tensor.bool" })
            t.Add(name, (i, o) => o[0] = Filled([], DTypeOr(i[1], ShapeArgs.ScalarDefaultDType(i[0]), name), i[0]));
    }

    internal static long[] Size(IValue v, string op)
    {
        var s = ShapeArgs.Ints(v, op, "size");
        foreach (var d in s)
        {
            if (d < 0) throw new JitShapeException($"{op}: negative dimension {d} in size {ShapeUtil.Format(s)}");
        }
        return s;
    }

    private static DType DTypeOr(IValue v, DType fallback, string op) => ShapeArgs.OptionalDType(v, op) ?? fallback;

    internal static Tensor Filled(ReadOnlySpan<long> sizes, DType dtype, IValue value)
    {
        var r = Tensor.Empty(dtype, sizes);
        Fill(r, value);
        return r;
    }

    /// <summary>Sets every element of a contiguous tensor to <paramref name="value"/> (in its dtype).</summary>
    internal static void Fill(Tensor r, IValue value)
    {
        if (r.NumElements == 0) return;
        // Write one element, then replicate its bytes: any dtype, no per-element conversion.
        ShapeArgs.WriteScalar(r, r.StorageOffset, value);
        int es = r.DType.ElementSize();
        var bytes = r.Storage.Bytes.Span.Slice((int)(r.StorageOffset * es), (int)(r.NumElements * es));
        var first = bytes[..es];
        for (int k = es; k < bytes.Length; k += es) first.CopyTo(bytes.Slice(k, es));
    }

    private static Tensor Arange(IValue start, IValue end, IValue step, IValue dtypeArg)
    {
        const string op = "aten::arange";
        bool anyFloat = start.IsDouble || end.IsDouble || step.IsDouble;
        var dtype = ShapeArgs.OptionalDType(dtypeArg, op) ?? (anyFloat ? DType.Float32 : DType.Int64);
        bool floatOut = dtype.IsFloatingPoint();
        double s = start.AsDouble, e = end.AsDouble, st = step.AsDouble;
        if (!floatOut)
        {
            // Integral outputs compute in int64, as PyTorch's accscalar_t for them.
            s = (long)s;
            e = (long)e;
            st = (long)st;
        }
        if (st == 0) throw new JitShapeException($"{op}: step must be nonzero (start {start}, end {end})");
        if (double.IsNaN(s) || double.IsNaN(e) || double.IsInfinity(s) || double.IsInfinity(e))
            throw new JitShapeException($"{op}: unsupported range {start} -> {end}");
        if (!((st > 0 && e >= s) || (st < 0 && e <= s)))
            throw new JitShapeException($"{op}: upper bound and larger bound inconsistent with step sign (start {start}, end {end}, step {step})");
        double sizeD = Math.Ceiling((e - s) / st);
        if (sizeD < 0 || sizeD > int.MaxValue)
            throw new JitShapeException($"{op}: invalid size {sizeD} for range {start} -> {end} step {step}");
        long n = (long)sizeD;
        var r = Tensor.Empty(dtype, n);
        for (long k = 0; k < n; k++)
        {
            if (floatOut) r.WriteDouble(k, s + st * k);
            else r.WriteLong(k, (long)s + (long)st * k);
        }
        return r;
    }

    private static Tensor Eye(long n, long m, IValue dtypeArg)
    {
        const string op = "aten::eye";
        if (n < 0 || m < 0) throw new JitShapeException($"{op}: n and m must be non-negative but got n={n}, m={m}");
        var r = Tensor.Empty(ShapeArgs.OptionalDType(dtypeArg, op) ?? DType.Float32, n, m);
        for (long k = 0; k < Math.Min(n, m); k++) r.WriteLong(k * m + k, 1);
        return r;
    }
}
