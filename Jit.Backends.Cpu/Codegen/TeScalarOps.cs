using System.Numerics;
using System.Runtime.Intrinsics;
using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// Scalar helpers the generated IL calls where one IL opcode is not enough: the evaluator's
/// exact semantics for half/bfloat16 rounding, float-to-int casts, C-style integer division that
/// never traps, the rarely used intrinsics (done in double, rounded by the caller, exactly as
/// TeEvaluator) and horizontal reductions of vector accumulators.
/// </summary>
internal static class TeScalarOps
{
    public static float HalfBitsToFloat(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);
    public static ushort FloatToHalfBits(float x) => BitConverter.HalfToUInt16Bits((Half)x);
    public static float BFloatBitsToFloat(ushort bits) => BFloat16.ToSingle(bits);
    public static ushort FloatToBFloatBits(float x) => BFloat16.FromSingle(x);
    public static float RoundHalf(float x) => (float)(Half)x;
    public static float RoundBFloat(float x) => BFloat16.ToSingle(BFloat16.FromSingle(x));

    /// <summary>Truncation toward zero, NaN to 0; the caller wraps to the target width.</summary>
    public static long FloatToLong(double x) => double.IsNaN(x) ? 0 : (long)Math.Truncate(x);

    // The rest delegate to the evaluator's ScalarMath so the semantics live in one place.

    /// <summary>C division (truncating; MIN / -1 wraps; division by zero throws JitRuntimeException).</summary>
    public static long DivI(long p, long q) => ScalarMath.Binary(BinaryOp.Div, DType.Int64, Scalar.Of(p), Scalar.Of(q)).I;

    public static long ModI(long p, long q) => ScalarMath.Binary(BinaryOp.Mod, DType.Int64, Scalar.Of(p), Scalar.Of(q)).I;

    /// <summary>A floating intrinsic in double (the caller rounds to the dtype).</summary>
    public static double CallF(double x, double y, int fn) => ScalarMath.Call((Intrinsic)fn, DType.Float64, Scalar.Of(x), Scalar.Of(y)).F;

    /// <summary>An integer intrinsic, wrapped to <paramref name="dtype"/>.</summary>
    public static long CallI(long x, long y, int fn, int dtype) => ScalarMath.Call((Intrinsic)fn, (DType)dtype, Scalar.Of(x), Scalar.Of(y)).I;

    // Horizontal reductions of a vector accumulator. Sum adds lanes pairwise (Vector.Sum); the
    // others fold lanes in order with NaN-propagating min/max, as the scalar combiner does.
    public static T Sum256<T>(Vector256<T> v) where T : INumber<T> => Vector256.Sum(v);
    public static T Sum512<T>(Vector512<T> v) where T : INumber<T> => Vector512.Sum(v);
    public static T Prod256<T>(Vector256<T> v) where T : INumber<T> => Fold(v, 0);
    public static T Prod512<T>(Vector512<T> v) where T : INumber<T> => Fold(v, 0);
    public static T Max256<T>(Vector256<T> v) where T : INumber<T> => Fold(v, 1);
    public static T Max512<T>(Vector512<T> v) where T : INumber<T> => Fold(v, 1);
    public static T Min256<T>(Vector256<T> v) where T : INumber<T> => Fold(v, 2);
    public static T Min512<T>(Vector512<T> v) where T : INumber<T> => Fold(v, 2);

    // Lane by lane through GetElement: a reduction row calls these once each, so they must not allocate.
    private static T Fold<T>(Vector256<T> v, int kind) where T : INumber<T>
    {
        T acc = v.GetElement(0);
        for (int i = 1; i < Vector256<T>.Count; i++) acc = Combine(acc, v.GetElement(i), kind);
        return acc;
    }

    private static T Fold<T>(Vector512<T> v, int kind) where T : INumber<T>
    {
        T acc = v.GetElement(0);
        for (int i = 1; i < Vector512<T>.Count; i++) acc = Combine(acc, v.GetElement(i), kind);
        return acc;
    }

    private static T Combine<T>(T acc, T x, int kind) where T : INumber<T> => kind switch
    {
        0 => acc * x,
        1 => T.IsNaN(acc) || T.IsNaN(x) ? T.CreateTruncating(double.NaN) : T.Max(acc, x),
        _ => T.IsNaN(acc) || T.IsNaN(x) ? T.CreateTruncating(double.NaN) : T.Min(acc, x),
    };
}
