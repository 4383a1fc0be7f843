using System.Numerics;
using Jit.Backends.Cpu.Kernels.Common;
using Jit.Runtime;
using Jit.Tensors;
using static Jit.Backends.Cpu.Kernels.Out.OutSupport;

namespace Jit.Backends.Cpu.Kernels.Out;

/// <summary>
/// Out-variants of add, sub, mul and div (true division). The fast path takes float32 operands
/// that are the output's shape, a single value (a number or a one-element tensor), or a trailing
/// row broadcast over it (a bias); other float32 layouts and broadcasts go to
/// <see cref="StridedMathZip"/> where the op is exact in float32, the rest to the kernel. Arithmetic is in double, rounded once,
/// as the kernels do, which for these ops is the correctly rounded float32 result.
/// </summary>
internal static class OutBinaryKernels
{
    /// <summary>
    /// Vector: the same op in float32, used only where it gives the double path's bits: one IEEE
    /// operation on floats, correctly rounded either way (double carries more than 2·24+2 bits).
    /// </summary>
    private interface IZip
    {
        double Apply(double x, double y);
        bool ExactInFloat { get; }
        Vector<float> Apply(Vector<float> x, Vector<float> y);
        /// <summary>The op for <see cref="StridedMathZip"/> (other layouts), when it is exact in float32.</summary>
        ZipOp? Zip { get; }
    }

    private readonly struct AddOp(double alpha) : IZip
    {
        public double Apply(double x, double y) => x + alpha * y;
        public bool ExactInFloat => alpha is 1 or -1;
        public Vector<float> Apply(Vector<float> x, Vector<float> y) => alpha == 1 ? x + y : x - y;
        public ZipOp? Zip => alpha switch { 1 => ZipOp.Add, -1 => ZipOp.Sub, _ => null };
    }
    private readonly struct MulOp : IZip
    {
        public double Apply(double x, double y) => x * y;
        public bool ExactInFloat => true;
        public Vector<float> Apply(Vector<float> x, Vector<float> y) => x * y;
        public ZipOp? Zip => ZipOp.Mul;
    }
    private readonly struct DivOp : IZip
    {
        public double Apply(double x, double y) => x / y;
        public bool ExactInFloat => true;
        public Vector<float> Apply(Vector<float> x, Vector<float> y) => x / y;
        public ZipOp? Zip => ZipOp.Div;
    }

    // The kernels' formulas for other dtypes (int64 index arithmetic, say), made once.
    private static readonly Func<double, double, double> PlusD = (x, y) => x + y, MinusD = (x, y) => x - y, TimesD = (x, y) => x * y;
    private static readonly Func<long, long, long> PlusL = (x, y) => unchecked(x + y), MinusL = (x, y) => unchecked(x - y), TimesL = (x, y) => unchecked(x * y);

    public static void Register(KernelTable t)
    {
        foreach (var name in new[] { "aten::add.Tensor", "aten::add.Scalar" })
            Add(t, name, (i, o) => (Alpha(i[2], out double a) && Zip(i[0], i[1], o, new AddOp(a))) || AddAny(i[0], i[1], i[2], 1, o));
        foreach (var name in new[] { "aten::sub.Tensor", "aten::sub.Scalar" })
            Add(t, name, (i, o) => (Alpha(i[2], out double a) && Zip(i[0], i[1], o, new AddOp(-a))) || AddAny(i[0], i[1], i[2], -1, o));
        foreach (var name in new[] { "aten::mul.Tensor", "aten::mul.Scalar" })
            Add(t, name, (i, o) => Zip(i[0], i[1], o, new MulOp()) || SameAny(i[0], i[1], o, TimesD, TimesL));
        foreach (var name in new[] { "aten::div.Tensor", "aten::div.Scalar" })
            Add(t, name, (i, o) => Zip(i[0], i[1], o, new DivOp()));
    }

    /// <summary>
    /// a + sign·alpha·b in any other dtype, for alpha ±1 as an int (exactly the kernel's x + alpha·y):
    /// other alphas, and the operand combinations the kernel rejects, are left to it.
    /// </summary>
    private static bool AddAny(IValue a, IValue b, IValue alpha, int sign, Tensor y)
    {
        if (!alpha.IsInt || Math.Abs(alpha.AsInt) != 1) return false;
        if (sign < 0 && (IsBool(a) || IsBool(b))) return false;
        bool plus = alpha.AsInt * sign == 1;
        return SameAny(a, b, y, plus ? PlusD : MinusD, plus ? PlusL : MinusL);
    }

    private static bool IsBool(IValue v) => v.IsBool || (v.IsTensor && v.AsTensor.DType == DType.Bool);

    // An op computing in, and returning, the promoted dtype of its operands.
    private static bool SameAny(IValue a, IValue b, Tensor y, Func<double, double, double> f, Func<long, long, long> i)
    {
        var common = Common.StridedMathArgs.ResultType(a, b);
        return y.DType == common && Common.StridedMathInto.Binary(a, b, common, y, f, i);
    }

    // alpha 1 (the common case) is exact; another alpha is applied in double, so it may differ
    // from the kernel's float32 vector path in the last bit.
    private static bool Alpha(IValue alpha, out double a)
    {
        a = alpha.IsInt || alpha.IsDouble ? alpha.AsDouble : 0;
        return alpha.IsInt || alpha.IsDouble;
    }

    /// <summary>How an operand is read at output element k: its own k, one value, or k modulo a row.</summary>
    private ref struct Operand
    {
        public ReadOnlySpan<float> Data;
        public int Row; // 0: one value (Value); otherwise the row length (the output's length when full)
        public float Value;

        public readonly double this[int k] => Row == 0 ? Value : Data[k % Row];
    }

    private static bool TryOperand(IValue v, Tensor output, out Operand op)
    {
        op = default;
        if (v.IsDouble || v.IsInt)
        {
            // A number takes the tensor's dtype first, as PyTorch casts it to the common dtype.
            op.Value = (float)v.AsDouble;
            return true;
        }
        if (!v.IsTensor) return false;
        var t = v.AsTensor;
        if (t.DType != DType.Float32) return false;
        if (t.NumElements == 1 && t.Rank <= output.Rank)
        {
            op.Value = t.StorageSpan<float>()[(int)t.StorageOffset];
            return true;
        }
        if (!t.IsContiguous || t.Rank > output.Rank) return false;
        // Same shape, or a row: the operand's sizes (leading ones aside) are the output's trailing sizes.
        int lead = output.Rank - t.Rank;
        for (int d = 0; d < t.Rank; d++)
            if (t.Sizes[d] != output.Sizes[lead + d] && !(t.Sizes[d] == 1 && IsLeadingOne(t.Sizes, d))) return false;
        op.Data = F32(t);
        op.Row = op.Data.Length == output.NumElements ? (int)output.NumElements : op.Data.Length;
        return op.Data.Length > 0 && output.NumElements % op.Data.Length == 0;
    }

    private static bool IsLeadingOne(ReadOnlySpan<long> sizes, int d)
    {
        for (int i = 0; i <= d; i++) if (sizes[i] != 1) return false;
        return true;
    }

    private static bool Zip<TOp>(IValue a, IValue b, Tensor output, TOp op) where TOp : struct, IZip
    {
        if (!IsF32(output) || !a.IsTensor || a.AsTensor.DType != DType.Float32) return false;
        if (!TryOperand(a, output, out var x) || !TryOperand(b, output, out var y))
            return op.Zip is { } zip && StridedMathZip.TryRun(zip, a, b, output);
        var z = F32(output);
        if (x.Row == z.Length && y.Row == z.Length)
        {
            // Both full: the common elementwise case, without per-element dispatch.
            int k = 0;
            if (op.ExactInFloat)
                for (; k + Vector<float>.Count <= z.Length; k += Vector<float>.Count)
                    op.Apply(new Vector<float>(x.Data.Slice(k)), new Vector<float>(y.Data.Slice(k))).CopyTo(z.Slice(k));
            for (; k < z.Length; k++) z[k] = (float)op.Apply(x.Data[k], y.Data[k]);
            return true;
        }
        if (x.Row != z.Length && y.Row != z.Length) // the output is larger than both
            return op.Zip is { } zip && StridedMathZip.TryRun(zip, a, b, output);
        for (int k = 0; k < z.Length; k++) z[k] = (float)op.Apply(x[k], y[k]);
        return true;
    }
}
