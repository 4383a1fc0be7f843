using System.Numerics;
using System.Runtime.Intrinsics;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The fused multiply-add of one element type, as a static abstract member so the generic
/// micro-kernels specialise per struct and the call inlines to one vfmadd instruction.
/// </summary>
internal interface IGemmMath<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    static abstract Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c);
    static abstract Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c);
}

internal readonly struct GemmF32 : IGemmMath<float>
{
    public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
    public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
}

internal readonly struct GemmF64 : IGemmMath<double>
{
    public static Vector512<double> Fma(Vector512<double> a, Vector512<double> b, Vector512<double> c) => Vector512.FusedMultiplyAdd(a, b, c);
    public static Vector256<double> Fma(Vector256<double> a, Vector256<double> b, Vector256<double> c) => Vector256.FusedMultiplyAdd(a, b, c);
}
