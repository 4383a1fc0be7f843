using Jit.TensorExpr;
using Jit.Tensors;

namespace Jit.Benchmarks;

/// <summary>The TE kernels the fused benchmarks compile, built by hand until the lowering builds them from graphs.</summary>
public static class FusedKernels
{
    /// <summary>Five elementwise ops: <c>relu((x * a + b) * c - d)</c> over a 1-D float32 input.</summary>
    public static TeKernel Chain5()
    {
        var b = new TeBuilder("chain5");
        var n = b.Size("n");
        var x = b.Input("x", DType.Float32, [n], contiguous: true);
        b.Compute("y", DType.Float32, [n], i => Expr.Max((x.Load(i[0]) * 1.25 + 0.5) * 0.75 - 0.125, 0.0));
        return b.Build();
    }

    /// <summary>
    /// The math of the elementwise fixture (tools/export_fixtures.py, class Elementwise) on two
    /// float32 [n, m] inputs, written with PyTorch's definitions of gelu(tanh), silu, softplus
    /// (threshold 20), clamp and leaky_relu. Intermediates are shared Expr nodes; the vector
    /// emitter computes each once per iteration.
    /// </summary>
    public static TeKernel Elementwise()
    {
        var bld = new TeBuilder("elementwise");
        var n = bld.Size("n");
        var m = bld.Size("m");
        var xb = bld.Input("x", DType.Float32, [n, m]);
        var yb = bld.Input("y", DType.Float32, [n, m]);
        bld.Compute("out", DType.Float32, [n, m], i =>
        {
            Expr x = xb.Load(i[0], i[1]), y = yb.Load(i[0], i[1]);
            Expr F(double v) => Expr.Const(v, DType.Float32);
            Expr Call(Intrinsic fn, params Expr[] args) => Expr.Call(fn, args);
            var a = Call(Intrinsic.Tanh, x) * Call(Intrinsic.Sigmoid, y) + Call(Intrinsic.Exp, -x * x);
            var gelu = F(0.5) * y * (F(1) + Call(Intrinsic.Tanh, F(Math.Sqrt(2 / Math.PI)) * (y + F(0.044715) * y * y * y)));
            var silu = x * Call(Intrinsic.Sigmoid, x);
            var b = Call(Intrinsic.Erf, a) + gelu - silu;
            var c = Call(Intrinsic.Log, Call(Intrinsic.Abs, b) + F(1)) * Call(Intrinsic.Sqrt, Call(Intrinsic.Abs, a) + F(0.5));
            var softplus = Expr.Select(Expr.Gt(c, F(20)), c, Call(Intrinsic.Log1p, Call(Intrinsic.Exp, c)));
            var clamp = Expr.Min(Expr.Max(x, F(-0.5)), F(0.5));
            var leaky = Expr.Select(Expr.Gt(y, F(0)), y, y * F(0.1));
            var d = softplus + clamp * leaky;
            return Call(Intrinsic.Rsqrt, d * d + F(1)) + Call(Intrinsic.Pow, Call(Intrinsic.Abs, a), F(1.5))
                - Call(Intrinsic.Cos, b) * Call(Intrinsic.Sin, c);
        });
        return bld.Build();
    }
}
