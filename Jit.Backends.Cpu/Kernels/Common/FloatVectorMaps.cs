using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Jit.Backends.Cpu.Codegen;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Activations on contiguous float32 with the vectorized math the compiled kernels
/// use (<see cref="VectorMath"/>: erf and tanh within 2 ulps, sigmoid 3, of the correctly rounded
/// result), instead of a double computation per element (GELU took about 40 ns per element that
/// way). The ordinary and the out-variant kernels both come here, so they agree bit for bit, and
/// every element, the tail included, goes through the same vector formula. A strided input is
/// copied into the (contiguous) result first and mapped in place; other dtypes keep the double
/// path.
/// </summary>
internal static class FloatVectorMaps
{
    public enum Op { Erf, Tanh, Sigmoid, Silu, GeluErf, GeluTanh, Hardswish, Hardsigmoid }

    /// <summary>
    /// Whether <paramref name="x"/> (float32, any layout) and <paramref name="y"/> (null: a new
    /// result; else contiguous float32 of x's shape) take this path.
    /// </summary>
    public static bool Applies(Tensor x, Tensor? y = null) =>
        Vector256.IsHardwareAccelerated && x.DType == DType.Float32
        && (y is null || (y.DType == DType.Float32 && y.IsContiguous && y.Sizes.SequenceEqual(x.Sizes)));

    /// <summary>A new float32 tensor of <paramref name="op"/> over <paramref name="x"/> (see <see cref="Applies"/>).</summary>
    public static Tensor Apply(Op op, Tensor x)
    {
        var y = Tensor.Empty(DType.Float32, x.Sizes);
        Apply(op, x, y);
        return y;
    }

    /// <summary>
    /// <paramref name="op"/> over <paramref name="x"/> into the contiguous <paramref name="y"/>; a
    /// strided x (a permuted view) is copied into y first and mapped there in place.
    /// </summary>
    public static void Apply(Op op, Tensor x, Tensor y)
    {
        if (x.IsContiguous)
        {
            Apply(op, x.ContiguousSpan<float>(), y.ContiguousSpan<float>());
            return;
        }
        ShapeCopy.Copy(x, y);
        var ys = y.ContiguousSpan<float>();
        Apply(op, ys, ys);
    }

    public static void Apply(Op op, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (op)
        {
            case Op.Erf: Apply<ErfF>(x, y); break;
            case Op.Tanh: Apply<TanhF>(x, y); break;
            case Op.Sigmoid: Apply<SigmoidF>(x, y); break;
            case Op.Silu: Apply<SiluF>(x, y); break;
            case Op.GeluErf: Apply<GeluErfF>(x, y); break;
            case Op.Hardswish: Apply<HardswishF>(x, y); break;
            case Op.Hardsigmoid: Apply<HardsigmoidF>(x, y); break;
            default: Apply<GeluTanhF>(x, y); break;
        }
    }

    // One loop per function (a struct type argument), so the vector math inlines into it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Apply<TF>(ReadOnlySpan<float> x, Span<float> y) where TF : struct, IVectorFunction
    {
        int w = Vector256<float>.Count, k = 0;
        ref float src = ref MemoryMarshal.GetReference(x);
        ref float dst = ref MemoryMarshal.GetReference(y);
        for (; k <= x.Length - w; k += w)
            TF.Eval(Vector256.LoadUnsafe(ref src, (nuint)k)).StoreUnsafe(ref dst, (nuint)k);
        if (k == x.Length) return;
        Span<float> lanes = stackalloc float[Vector256<float>.Count];
        lanes.Clear();
        x[k..].CopyTo(lanes);
        TF.Eval(Vector256.Create(lanes)).CopyTo(lanes);
        lanes[..(x.Length - k)].CopyTo(y[k..]);
    }

    private interface IVectorFunction { static abstract Vector256<float> Eval(Vector256<float> v); }

    private readonly struct ErfF : IVectorFunction { public static Vector256<float> Eval(Vector256<float> v) => VectorMath.Erf(v); }
    private readonly struct TanhF : IVectorFunction { public static Vector256<float> Eval(Vector256<float> v) => VectorMath.Tanh(v); }
    private readonly struct SigmoidF : IVectorFunction { public static Vector256<float> Eval(Vector256<float> v) => VectorMath.Sigmoid(v); }
    private readonly struct SiluF : IVectorFunction { public static Vector256<float> Eval(Vector256<float> v) => v * VectorMath.Sigmoid(v); }

    private readonly struct GeluErfF : IVectorFunction
    {
        public static Vector256<float> Eval(Vector256<float> v) =>
            Vector256.Create(0.5f) * v * (Vector256.Create(1f) + VectorMath.Erf(v * Vector256.Create(0.70710678118654752f)));
    }

    private readonly struct GeluTanhF : IVectorFunction
    {
        public static Vector256<float> Eval(Vector256<float> v) =>
            Vector256.Create(0.5f) * v * (Vector256.Create(1f) + VectorMath.Tanh(Vector256.Create(0.79788456080286536f) * (v + Vector256.Create(0.044715f) * v * v * v)));
    }

    // PyTorch's CPU formulas in float, operation for operation: x·min(max(x + 3, 0), 6) / 6 and
    // min(max(x + 3, 0), 6) / 6. The selects keep a NaN input NaN, as vec::maximum/minimum do.
    private readonly struct HardswishF : IVectorFunction
    {
        public static Vector256<float> Eval(Vector256<float> v) => v * Relu6(v + Vector256.Create(3f)) / Vector256.Create(6f);
    }

    private readonly struct HardsigmoidF : IVectorFunction
    {
        public static Vector256<float> Eval(Vector256<float> v) => Relu6(v + Vector256.Create(3f)) / Vector256.Create(6f);
    }

    private static Vector256<float> Relu6(Vector256<float> t)
    {
        t = Vector256.ConditionalSelect(Vector256.LessThan(t, Vector256<float>.Zero), Vector256<float>.Zero, t);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(t, Vector256.Create(6f)), Vector256.Create(6f), t);
    }
}
