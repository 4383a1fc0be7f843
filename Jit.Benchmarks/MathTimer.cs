using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Jit.Backends.Cpu.Codegen;

namespace Jit.Benchmarks;

/// <summary>
/// <c>-- math [--runs R]</c>: nanoseconds of thread CPU time per float32 element of each vector
/// math function (<see cref="VectorMath"/>) over an L1-resident buffer of values in [-20, 20] (pre-activations of untrained layers reach that far), the
/// best of R runs, next to a plain vector copy: what the compiled kernels' activations cost per
/// element when memory is not the limit. CPU time, not wall time, so other work on the machine
/// slows it less.
/// </summary>
public static class MathTimer
{
    private const int Elements = 4096, Repeats = 2000;

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        int runs = 5;
        for (int i = 0; i < args.Count; i++)
            if (args[i] == "--runs") runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
        var x = new float[Elements];
        var y = new float[Elements];
        var random = new Random(1);
        for (int i = 0; i < x.Length; i++) x[i] = (float)(random.NextDouble() * 40 - 20);
        Time<Copy>("copy", x, y, runs, output);
        Time<Exp>("exp", x, y, runs, output);
        Time<Sigmoid>("sigmoid", x, y, runs, output);
        Time<Tanh>("tanh", x, y, runs, output);
        Time<Erf>("erf", x, y, runs, output);
        Time<Log>("log", x, y, runs, output);
        return 0;
    }

    private interface IFunction { static abstract Vector256<float> Eval(Vector256<float> v); }
    private readonly struct Copy : IFunction { public static Vector256<float> Eval(Vector256<float> v) => v; }
    private readonly struct Exp : IFunction { public static Vector256<float> Eval(Vector256<float> v) => VectorMath.Exp(v); }
    private readonly struct Sigmoid : IFunction { public static Vector256<float> Eval(Vector256<float> v) => VectorMath.Sigmoid(v); }
    private readonly struct Tanh : IFunction { public static Vector256<float> Eval(Vector256<float> v) => VectorMath.Tanh(v); }
    private readonly struct Erf : IFunction { public static Vector256<float> Eval(Vector256<float> v) => VectorMath.Erf(v); }
    private readonly struct Log : IFunction { public static Vector256<float> Eval(Vector256<float> v) => VectorMath.Log(Vector256.Abs(v)); }

    private static void Time<TF>(string name, float[] x, float[] y, int runs, TextWriter output) where TF : struct, IFunction
    {
        double best = double.MaxValue;
        for (int r = 0; r < runs; r++)
        {
            long start = ThreadCpuTime.Nanoseconds();
            for (int k = 0; k < Repeats; k++) Map<TF>(x, y);
            best = Math.Min(best, (double)(ThreadCpuTime.Nanoseconds() - start) / ((long)Repeats * Elements));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-8} {best:F3} ns/element"));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Map<TF>(float[] x, float[] y) where TF : struct, IFunction
    {
        ref float src = ref MemoryMarshal.GetArrayDataReference(x);
        ref float dst = ref MemoryMarshal.GetArrayDataReference(y);
        for (int i = 0; i < x.Length; i += 8)
            TF.Eval(Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
    }
}
