using System.Numerics;
using Jit.Errors;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Elementwise drivers: broadcast the operands, compute in <c>double</c> when the compute dtype
/// is floating (PyTorch computes half/bfloat16 in float32; double then rounding is as close) or in
/// <c>long</c> for integers and bool, then write the output dtype. Contiguous float32 operands skip
/// the gather buffers, and ops with a vector form run on <see cref="Vector{T}"/>.
/// </summary>
internal static class StridedMathElementwise
{
    /// <param name="vf">The op on float32 vectors, when it has one: used for contiguous float32 operands.</param>
    /// <param name="zip">The op as a <see cref="StridedMathZip"/> op, when it is one: float32 operands of any other layout.</param>
    public static Tensor Binary(string op, Tensor a, Tensor b, DType compute, DType output,
        Func<double, double, double> f, Func<long, long, long> i, Func<Vector<float>, Vector<float>, Vector<float>>? vf = null,
        ZipOp? zip = null)
    {
        var shape = ShapeUtil.Broadcast(a.Sizes, b.Sizes, op);
        if (compute == DType.Float32 && output == DType.Float32 && TryContiguousFloat32(a, b, shape, f, vf) is { } fast)
            return fast;
        if (compute == DType.Float32 && output == DType.Float32 && zip is { } z)
        {
            var r = Tensor.Empty(DType.Float32, shape);
            if (StridedMathZip.TryRun(z, a, b, r)) return r;
        }
        if (compute.IsFloatingPoint())
        {
            var xs = StridedMathCopy.GatherDouble(a, shape, compute);
            var ys = StridedMathCopy.GatherDouble(b, shape, compute);
            for (int k = 0; k < xs.Length; k++) xs[k] = f(xs[k], ys[k]);
            return StridedMathCopy.ToTensor(xs, output, shape);
        }
        var xl = StridedMathCopy.GatherLong(a, shape, compute);
        var yl = StridedMathCopy.GatherLong(b, shape, compute);
        for (int k = 0; k < xl.Length; k++) xl[k] = i(xl[k], yl[k]);
        return StridedMathCopy.ToTensor(xl, output, shape);
    }

    // The common case in models: a contiguous float32 tensor with another of the same shape, or
    // with a single value (x * 0.5, x + bias_scalar). Works on the spans directly, no gather buffers.
    private static Tensor? TryContiguousFloat32(Tensor a, Tensor b, long[] shape,
        Func<double, double, double> f, Func<Vector<float>, Vector<float>, Vector<float>>? vf)
    {
        if (a.DType != DType.Float32 || !a.IsContiguous || !a.Sizes.SequenceEqual(shape)) return null;
        bool full = b.DType == DType.Float32 && b.IsContiguous && b.Sizes.SequenceEqual(shape);
        if (!full && b.NumElements != 1) return null;
        var r = Tensor.Empty(DType.Float32, shape);
        var x = a.ContiguousSpan<float>();
        var z = r.ContiguousSpan<float>();
        int n = z.Length, k = 0, w = Vector<float>.Count;
        if (full)
        {
            var y = b.ContiguousSpan<float>();
            if (vf != null)
                for (; k <= n - w; k += w) vf(new Vector<float>(x[k..]), new Vector<float>(y[k..])).CopyTo(z[k..]);
            for (; k < n; k++) z[k] = (float)f(x[k], y[k]);
        }
        else
        {
            // The single value is cast to float32 first, as PyTorch casts it to the common dtype.
            float s = (float)StridedMathCopy.GatherDouble(b, b.Sizes, DType.Float32)[0];
            var sv = new Vector<float>(s);
            if (vf != null)
                for (; k <= n - w; k += w) vf(new Vector<float>(x[k..]), sv).CopyTo(z[k..]);
            for (; k < n; k++) z[k] = (float)f(x[k], s);
        }
        return r;
    }

    public static Tensor Unary(Tensor a, DType compute, DType output, Func<double, double> f, Func<long, long> i,
        Func<Vector<float>, Vector<float>>? vf = null)
    {
        var shape = a.Sizes;
        if (compute.IsFloatingPoint())
        {
            if (output == DType.Float32 && a.DType == DType.Float32 && a.IsContiguous)
            {
                var r = Tensor.Empty(DType.Float32, shape);
                var x = a.ContiguousSpan<float>();
                var z = r.ContiguousSpan<float>();
                int k = 0, w = Vector<float>.Count;
                if (vf != null)
                    for (; k <= z.Length - w; k += w) vf(new Vector<float>(x[k..])).CopyTo(z[k..]);
                for (; k < z.Length; k++) z[k] = (float)f(x[k]);
                return r;
            }
            var xs = StridedMathCopy.GatherDouble(a, shape, compute);
            for (int k = 0; k < xs.Length; k++) xs[k] = f(xs[k]);
            return StridedMathCopy.ToTensor(xs, output, shape);
        }
        var xl = StridedMathCopy.GatherLong(a, shape, compute);
        for (int k = 0; k < xl.Length; k++) xl[k] = i(xl[k]);
        return StridedMathCopy.ToTensor(xl, output, shape);
    }

    /// <summary>
    /// Writes an op's result into its in-place target, as PyTorch's <c>op_</c> variants do: the
    /// result must keep self's shape and be castable to self's dtype.
    /// </summary>
    public static Tensor WriteInto(string op, Tensor self, Tensor result)
    {
        if (!self.Sizes.SequenceEqual(result.Sizes))
            throw new JitShapeException(
                $"{op}: output with shape {ShapeUtil.Format(self.Sizes)} doesn't match the broadcast shape {ShapeUtil.Format(result.Sizes)}");
        if (!Jit.Ops.TypePromotion.CanCast(result.DType, self.DType))
            throw new JitTypeException($"{op}: result type {result.DType.IrName()} can't be cast to the desired output type {self.DType.IrName()}");
        if (result.DType.IsFloatingPoint()) StridedMathCopy.Scatter(StridedMathCopy.GatherDouble(result, result.Sizes), self);
        else StridedMathCopy.Scatter(StridedMathCopy.GatherLong(result, result.Sizes), self);
        return self;
    }

    /// <summary>The integer-division error PyTorch raises (its CPU kernels check the divisor).</summary>
    public static JitRuntimeException ZeroDivision(string op) => new($"{op}: ZeroDivisionError (integer division by zero)");
}
