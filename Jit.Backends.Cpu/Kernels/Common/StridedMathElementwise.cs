using Jit.Errors;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Elementwise drivers: broadcast the operands, compute in <c>double</c> when the compute dtype
/// is floating (PyTorch computes half/bfloat16 in float32; double then rounding is as close) or in
/// <c>long</c> for integers and bool, then write the output dtype. A contiguous float32 path skips
/// the gather buffers.
/// </summary>
internal static class StridedMathElementwise
{
    public static Tensor Binary(string op, Tensor a, Tensor b, DType compute, DType output,
        Func<double, double, double> f, Func<long, long, long> i)
    {
        var shape = ShapeUtil.Broadcast(a.Sizes, b.Sizes, op);
        if (compute.IsFloatingPoint())
        {
            if (output == DType.Float32 && a.DType == DType.Float32 && b.DType == DType.Float32
                && a.IsContiguous && b.IsContiguous && a.Sizes.SequenceEqual(b.Sizes))
            {
                var r = Tensor.Empty(DType.Float32, shape);
                var x = a.ContiguousSpan<float>();
                var y = b.ContiguousSpan<float>();
                var z = r.ContiguousSpan<float>();
                for (int k = 0; k < z.Length; k++) z[k] = (float)f(x[k], y[k]);
                return r;
            }
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

    public static Tensor Unary(Tensor a, DType compute, DType output, Func<double, double> f, Func<long, long> i)
    {
        var shape = a.Sizes;
        if (compute.IsFloatingPoint())
        {
            if (output == DType.Float32 && a.DType == DType.Float32 && a.IsContiguous)
            {
                var r = Tensor.Empty(DType.Float32, shape);
                var x = a.ContiguousSpan<float>();
                var z = r.ContiguousSpan<float>();
                for (int k = 0; k < z.Length; k++) z[k] = (float)f(x[k]);
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
