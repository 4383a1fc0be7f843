using Jit.Backends.Cpu.Kernels.Common;
using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Common.StridedMathArgs;

namespace Jit.Backends.Cpu.Kernels;

/// <summary>Ops that pick between values: where, masked_fill, clamp (and clamp_min/clamp_max).</summary>
internal static class ElementwiseSelectKernels
{
    public static void Register(KernelTable t)
    {
        foreach (var name in new[] { "aten::where.self", "aten::where.ScalarOther", "aten::where.ScalarSelf", "aten::where.Scalar" })
            t.Add(name, (i, o) => o[0] = Where(i[0].AsTensor, i[1], i[2]));
        t.Add("aten::masked_fill.Scalar", (i, o) => o[0] = MaskedFill(i[0].AsTensor, i[1].AsTensor, i[2]));
        t.Add("aten::masked_fill.Tensor", (i, o) =>
        {
            var v = i[2].AsTensor;
            if (v.Rank != 0)
                throw new JitShapeException($"masked_fill: only supports a 0-dimensional value tensor, but got a tensor of shape {ShapeUtil.Format(v.Sizes)}");
            o[0] = MaskedFill(i[0].AsTensor, i[1].AsTensor, i[2]);
        });
        t.Add("aten::clamp", (i, o) => o[0] = Clamp("clamp", i[0].AsTensor, i[1], i[2]));
        t.Add("aten::clamp.Tensor", (i, o) => o[0] = Clamp("clamp", i[0].AsTensor, i[1], i[2]));
        t.Add("aten::clamp_min", (i, o) => o[0] = Clamp("clamp_min", i[0].AsTensor, i[1], IValue.None));
        t.Add("aten::clamp_min.Tensor", (i, o) => o[0] = Clamp("clamp_min", i[0].AsTensor, i[1], IValue.None));
        t.Add("aten::clamp_max", (i, o) => o[0] = Clamp("clamp_max", i[0].AsTensor, IValue.None, i[1]));
        t.Add("aten::clamp_max.Tensor", (i, o) => o[0] = Clamp("clamp_max", i[0].AsTensor, IValue.None, i[1]));
    }

    private static Tensor Where(Tensor cond, IValue self, IValue other)
    {
        if (cond.DType is not (DType.Bool or DType.UInt8))
            throw new JitTypeException($"where: expected condition to be a boolean tensor, but got a tensor with dtype {cond.DType.IrName()}");
        Tensor a = Operand(self, "where"), b = Operand(other, "where");
        var dt = ResultType(self, other);
        var shape = ShapeUtil.Broadcast(ShapeUtil.Broadcast(cond.Sizes, a.Sizes, "where"), b.Sizes, "where");
        var c = StridedMathCopy.GatherLong(cond, shape);
        if (dt.IsFloatingPoint())
        {
            double[] x = StridedMathCopy.GatherDouble(a, shape), y = StridedMathCopy.GatherDouble(b, shape);
            for (int k = 0; k < x.Length; k++) if (c[k] == 0) x[k] = y[k];
            return StridedMathCopy.ToTensor(x, dt, shape);
        }
        long[] xl = StridedMathCopy.GatherLong(a, shape), yl = StridedMathCopy.GatherLong(b, shape);
        for (int k = 0; k < xl.Length; k++) if (c[k] == 0) xl[k] = yl[k];
        return StridedMathCopy.ToTensor(xl, dt, shape);
    }

    private static Tensor MaskedFill(Tensor self, Tensor mask, IValue value)
    {
        if (mask.DType != DType.Bool)
            throw new JitTypeException($"masked_fill: only supports boolean masks, but got a mask with dtype {mask.DType.IrName()}");
        var shape = ShapeUtil.Broadcast(self.Sizes, mask.Sizes, "masked_fill");
        var m = StridedMathCopy.GatherLong(mask, shape);
        var v = Operand(value, "masked_fill");
        if (self.DType.IsFloatingPoint())
        {
            var x = StridedMathCopy.GatherDouble(self, shape);
            double fill = StridedMathCopy.GatherDouble(v, [], self.DType)[0];
            for (int k = 0; k < x.Length; k++) if (m[k] != 0) x[k] = fill;
            return StridedMathCopy.ToTensor(x, self.DType, shape);
        }
        var xl = StridedMathCopy.GatherLong(self, shape);
        // Through double so a float fill truncates (or tests != 0 for bool) like a cast to self's dtype.
        long fillL = (long)StridedMathCopy.GatherDouble(v, [], self.DType)[0];
        for (int k = 0; k < xl.Length; k++) if (m[k] != 0) xl[k] = fillL;
        return StridedMathCopy.ToTensor(xl, self.DType, shape);
    }

    private static Tensor Clamp(string op, Tensor self, IValue min, IValue max)
    {
        if (min.IsNone && max.IsNone) throw new JitRuntimeException($"{op}: at least one of 'min' or 'max' must not be None");
        // The bounds take part in type promotion (PyTorch 1.13: an int tensor clamped by 0.5 becomes float).
        var dt = ResultType(self, min, max);
        var shape = self.Sizes.ToArray();
        if (min.IsTensor) shape = ShapeUtil.Broadcast(shape, min.AsTensor.Sizes, op);
        if (max.IsTensor) shape = ShapeUtil.Broadcast(shape, max.AsTensor.Sizes, op);
        if (dt.IsFloatingPoint())
        {
            var x = StridedMathCopy.GatherDouble(self, shape, dt);
            var lo = min.IsNone ? null : StridedMathCopy.GatherDouble(Operand(min, op), shape, dt);
            var hi = max.IsNone ? null : StridedMathCopy.GatherDouble(Operand(max, op), shape, dt);
            for (int k = 0; k < x.Length; k++)
            {
                double v = x[k];
                if (double.IsNaN(v)) continue;
                if (lo != null) v = double.IsNaN(lo[k]) ? lo[k] : Math.Max(v, lo[k]);
                if (hi != null) v = double.IsNaN(hi[k]) ? hi[k] : Math.Min(v, hi[k]);
                x[k] = v;
            }
            return StridedMathCopy.ToTensor(x, dt, shape);
        }
        var xl = StridedMathCopy.GatherLong(self, shape, dt);
        var lol = min.IsNone ? null : StridedMathCopy.GatherLong(Operand(min, op), shape, dt);
        var hil = max.IsNone ? null : StridedMathCopy.GatherLong(Operand(max, op), shape, dt);
        for (int k = 0; k < xl.Length; k++)
        {
            if (lol != null) xl[k] = Math.Max(xl[k], lol[k]);
            if (hil != null) xl[k] = Math.Min(xl[k], hil[k]);
        }
        return StridedMathCopy.ToTensor(xl, dt, shape);
    }
}
