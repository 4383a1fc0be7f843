using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Common.StridedMathArgs;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>
/// Pointwise ops beyond the basic math families: addcmul/addcdiv, fmod, relu6, tan, log2, frac,
/// trunc, and the in-place writers (zero_, fill_, copy_, dropout_) plus clone.
/// </summary>
internal static class MathMoreKernels
{
    public static void Register(KernelTable t)
    {
        t.Add("aten::addcmul", (i, o) => o[0] = Ternary("addcmul", i, (s, a, b, v) => s + v * a * b, (s, a, b, v) => unchecked(s + v * a * b)));
        t.Add("aten::addcdiv", (i, o) =>
        {
            if (ResultType(i[1], i[2]).IsIntegral(includeBool: true))
                throw new JitTypeException("addcdiv: integer division with addcdiv is no longer supported; use addcmul(input, tensor1, tensor2.reciprocal()) or torch.floor_divide");
            o[0] = Ternary("addcdiv", i, (s, a, b, v) => s + v * a / b, (s, a, b, v) => s);
        });
        foreach (var name in new[] { "aten::fmod.Tensor", "aten::fmod.Scalar" })
            t.Add(name, (i, o) =>
            {
                var common = ResultType(i[0], i[1]);
                // C's fmod: the result takes the dividend's sign (C# % on doubles and longs does the same).
                o[0] = StridedMathElementwise.Binary("fmod", Operand(i[0], "fmod"), Operand(i[1], "fmod"), common, common,
                    (x, y) => x % y, (x, y) => y == 0 ? throw StridedMathElementwise.ZeroDivision("fmod") : (y == -1 ? 0 : x % y));
            });
        t.Add("aten::relu6", (i, o) =>
        {
            var x = i[0].AsTensor;
            if (x.DType == DType.Bool) throw NotImplemented("relu6", x.DType);
            o[0] = StridedMathElementwise.Unary(x, x.DType, x.DType, v => double.IsNaN(v) ? v : Math.Min(Math.Max(v, 0), 6), v => Math.Min(Math.Max(v, 0), 6));
        });
        MathUnaryKernels.Floating(t, "tan", Math.Tan);
        MathUnaryKernels.Floating(t, "log2", Math.Log2);
        t.Add("aten::frac", (i, o) =>
        {
            var x = i[0].AsTensor;
            if (!x.DType.IsFloatingPoint()) throw NotImplemented("frac", x.DType);
            o[0] = StridedMathElementwise.Unary(x, x.DType, x.DType, v => v - Math.Truncate(v), v => 0);
        });
        t.Add("aten::trunc", (i, o) =>
        {
            var x = i[0].AsTensor;
            if (x.DType == DType.Bool) throw NotImplemented("trunc", x.DType);
            o[0] = StridedMathElementwise.Unary(x, x.DType, x.DType, Math.Truncate, v => v);
        });

        t.Add("aten::zero_", (i, o) => o[0] = Fill(i[0].AsTensor, 0L));
        t.Add("aten::fill_.Scalar", (i, o) => o[0] = Fill(i[0].AsTensor, i[1]));
        t.Add("aten::clone", (i, o) => o[0] = ShapeCopy.ToContiguous(i[0].AsTensor, i[0].AsTensor.DType));
        t.Add("aten::copy_", (i, o) =>
        {
            Tensor self = i[0].AsTensor, given = i[1].AsTensor;
            // The same dtype and sizes in memory that does not overlap self (the static runtime's
            // copies into a caller's outputs): element by element, with no buffer.
            if (given.DType == self.DType && given.Sizes.SequenceEqual(self.Sizes) && self.IsHost && given.IsHost
                && !self.Storage.Bytes.Span.Overlaps(given.Storage.Bytes.Span))
            {
                ShapeCopy.Copy(given, self);
                o[0] = self;
                return;
            }
            var src = ShapeViews.Expand(given, self.Sizes, "copy_");
            // Copy through a fresh buffer so a source that overlaps self reads its old values.
            if (src.DType.IsFloatingPoint()) StridedMathCopy.Scatter(StridedMathCopy.GatherDouble(src, self.Sizes), self);
            else StridedMathCopy.Scatter(StridedMathCopy.GatherLong(src, self.Sizes), self);
            o[0] = self;
        });
        t.Add("aten::dropout_", (i, o) => o[0] = NormalizationKernels.Dropout("dropout_", i[0].AsTensor, i[2].AsBool));
        t.Add("aten::alpha_dropout", (i, o) => o[0] = NormalizationKernels.Dropout("alpha_dropout", i[0].AsTensor, i[2].AsBool));
    }

    /// <summary>fill_: every element of self becomes the value, cast to self's dtype.</summary>
    private static Tensor Fill(Tensor self, IValue value)
    {
        var n = self.NumElements;
        if (self.DType.IsFloatingPoint())
        {
            var d = new double[n];
            Array.Fill(d, value.AsDouble);
            StridedMathCopy.Scatter(d, self);
        }
        else
        {
            var l = new long[n];
            long v = value.IsDouble ? (self.DType == DType.Bool ? (value.AsDouble != 0 ? 1 : 0) : (long)value.AsDouble) : value.AsInt;
            Array.Fill(l, v);
            StridedMathCopy.Scatter(l, self);
        }
        return self;
    }

    /// <summary>self + value · f(tensor1, tensor2), broadcast over all three, in the tensors' promoted dtype.</summary>
    private static Tensor Ternary(string op, ReadOnlySpan<IValue> i, Func<double, double, double, double, double> f,
        Func<long, long, long, long, long> fi)
    {
        Tensor s = i[0].AsTensor, a = i[1].AsTensor, b = i[2].AsTensor;
        var common = ResultType(i[0], i[1], i[2]);
        if (common.IsIntegral(includeBool: true) && i[3].IsDouble)
            throw new JitTypeException($"{op}: for integral input tensors, argument value must not be a floating point number");
        var shape = ShapeUtil.Broadcast(ShapeUtil.Broadcast(s.Sizes, a.Sizes, op), b.Sizes, op);
        if (common.IsFloatingPoint())
        {
            double v = i[3].AsDouble;
            var xs = StridedMathCopy.GatherDouble(s, shape, common);
            var ys = StridedMathCopy.GatherDouble(a, shape, common);
            var zs = StridedMathCopy.GatherDouble(b, shape, common);
            for (int k = 0; k < xs.Length; k++) xs[k] = f(xs[k], ys[k], zs[k], v);
            return StridedMathCopy.ToTensor(xs, common, shape);
        }
        long vl = i[3].AsInt;
        var xl = StridedMathCopy.GatherLong(s, shape, common);
        var yl = StridedMathCopy.GatherLong(a, shape, common);
        var zl = StridedMathCopy.GatherLong(b, shape, common);
        for (int k = 0; k < xl.Length; k++) xl[k] = fi(xl[k], yl[k], zl[k], vl);
        return StridedMathCopy.ToTensor(xl, common, shape);
    }
}
