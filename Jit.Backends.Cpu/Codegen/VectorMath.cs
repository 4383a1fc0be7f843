using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// Vectorized float32 math the compiled TE kernels call (one static method per function and
/// width; the IL emitter looks them up by name). Maximum error against the correctly rounded
/// result (double-precision Math.* rounded to float32, which is what TeEvaluator computes),
/// measured by VectorMathTests over about 2 million inputs per function, including ±0,
/// denormals, large |x|, ±inf and NaN (NaN in gives NaN out):
/// <code>
/// function  max ulp   notes
/// exp          1      denormal results exact to 1 ulp (of the denormal spacing)
/// log          1      x &lt; 0 gives NaN, log(0) = -inf
/// log1p        2
/// tanh         2
/// sigmoid      3      computed from exp(-|x|): no overflow
/// erf          2
/// sin, cos     2      |x| &lt;= 8192 (absolute error 6e-8 near zeros of the function); larger |x| exact per lane in double
/// pow          exp(y log x): relative error up to about |y log x| * 2^-23; x &lt;= 0, inf, NaN per lane in double
/// </code>
/// The table is the contract the tests assert (VectorMathTests.MaxUlp). Every method is fully
/// optimized from its first call (no tier-0 code: unoptimized vector code is ~10x slower).
/// </summary>
public static class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<float> Exp(Vector256<float> x) => VectorMathCore.Exp<Vector256<float>, Vec256F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<float> Log(Vector256<float> x) => VectorMathCore.Log<Vector256<float>, Vec256F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<float> Log1p(Vector256<float> x) => VectorMathCore.Log1p<Vector256<float>, Vec256F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<float> Tanh(Vector256<float> x) => VectorMathCore.Tanh<Vector256<float>, Vec256F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => VectorMathCore.Sigmoid<Vector256<float>, Vec256F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<float> Erf(Vector256<float> x) => VectorMathCore.Erf<Vector256<float>, Vec256F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<float> Sin(Vector256<float> x) => VectorMathCore.Sin<Vector256<float>, Vec256F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<float> Cos(Vector256<float> x) => VectorMathCore.Cos<Vector256<float>, Vec256F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector256<float> Pow(Vector256<float> x, Vector256<float> y) => VectorMathCore.Pow<Vector256<float>, Vec256F>(x, y);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Exp(Vector512<float> x) => VectorMathCore.Exp<Vector512<float>, Vec512F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Log(Vector512<float> x) => VectorMathCore.Log<Vector512<float>, Vec512F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Log1p(Vector512<float> x) => VectorMathCore.Log1p<Vector512<float>, Vec512F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Tanh(Vector512<float> x) => VectorMathCore.Tanh<Vector512<float>, Vec512F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => VectorMathCore.Sigmoid<Vector512<float>, Vec512F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Erf(Vector512<float> x) => VectorMathCore.Erf<Vector512<float>, Vec512F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Sin(Vector512<float> x) => VectorMathCore.Sin<Vector512<float>, Vec512F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Cos(Vector512<float> x) => VectorMathCore.Cos<Vector512<float>, Vec512F>(x);
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Vector512<float> Pow(Vector512<float> x, Vector512<float> y) => VectorMathCore.Pow<Vector512<float>, Vec512F>(x, y);
}
