using System.Runtime.CompilerServices;

namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// Float32 transcendental functions on SIMD vectors, written once over <see cref="IVecF{TV}"/>.
/// Cephes-style argument reduction and minimax polynomials (exp, log, tanh, sin, cos) and
/// N. Juffa's erff split; every special input (NaN, ±inf, ±0, denormals) is handled by lane
/// selects, rare huge trig arguments by a per-lane scalar fallback. Measured errors are listed on
/// <see cref="VectorMath"/> and asserted by VectorMathTests. Each function is compiled fully
/// optimized at first use and called, not inlined: inlining a dozen of them into one generated
/// kernel measured slower (register pressure, a huge method).
/// </summary>
internal static class VectorMathCore
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;

    private static TV SignMask<TV, O>() where TV : struct where O : IVecF<TV> => O.Splat(-0f);

    private static TV AbsOf<TV, O>(TV x) where TV : struct where O : IVecF<TV> =>
        O.Xor(x, O.And(x, SignMask<TV, O>()));

    private static TV IsNan<TV, O>(TV x) where TV : struct where O : IVecF<TV> =>
        O.Xor(O.Eq(x, x), O.Splat(BitConverter.Int32BitsToSingle(-1)));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TV Exp<TV, O>(TV x) where TV : struct where O : IVecF<TV> => ExpInline<TV, O>(x);

    // The functions built on exp inline it: a call passes and returns its vectors through memory.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpInline<TV, O>(TV x) where TV : struct where O : IVecF<TV>
    {
        // Clamp first so the exponent arithmetic stays in range; the selects below restore
        // overflow, underflow and NaN.
        var xc = O.MinFast(O.MaxFast(x, O.Splat(-104f)), O.Splat(89f));
        var n = O.RoundEven(O.Mul(xc, O.Splat(Log2E)));
        var r = O.Fma(n, O.Splat(-Ln2Hi), xc);
        r = O.Fma(n, O.Splat(-Ln2Lo), r);
        var p = O.Splat(1.9875691500E-4f);
        p = O.Fma(p, r, O.Splat(1.3981999507E-3f));
        p = O.Fma(p, r, O.Splat(8.3334519073E-3f));
        p = O.Fma(p, r, O.Splat(4.1665795894E-2f));
        p = O.Fma(p, r, O.Splat(1.6666665459E-1f));
        p = O.Fma(p, r, O.Splat(5.0000001201E-1f));
        p = O.Add(O.Fma(p, O.Mul(r, r), r), O.Splat(1f));
        // 2^n in two exact halves so results in the denormal range round only once.
        var n1 = O.RoundEven(O.Mul(n, O.Splat(0.5f)));
        var res = O.Mul(O.Mul(p, O.Pow2(n1)), O.Pow2(O.Sub(n, n1)));
        res = O.Select(O.Gt(x, O.Splat(88.7228394f)), O.Splat(float.PositiveInfinity), res);
        res = O.Select(O.Lt(x, O.Splat(-103.972084f)), O.Splat(0f), res);
        return O.Select(IsNan<TV, O>(x), x, res);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TV Log<TV, O>(TV x) where TV : struct where O : IVecF<TV>
    {
        // Denormals are scaled into the normal range first; the exponent is corrected after.
        var den = O.Lt(x, O.Splat(1.17549435e-38f));
        var xs = O.Select(den, O.Mul(x, O.Splat(8388608f)), x);
        var e = O.Exponent(xs, out var m);
        e = O.Sub(e, O.And(den, O.Splat(23f)));
        // m in [1, 2): f = m - 1 or m/2 - 1, so f lies in [sqrt(1/2) - 1, sqrt(2) - 1) (Cephes).
        var small = O.Lt(m, O.Splat(1.41421356f));
        var f = O.Select(small, O.Sub(m, O.Splat(1f)), O.Fma(m, O.Splat(0.5f), O.Splat(-1f)));
        e = O.Select(small, e, O.Add(e, O.Splat(1f)));
        var z = O.Mul(f, f);
        var p = O.Splat(7.0376836292E-2f);
        p = O.Fma(p, f, O.Splat(-1.1514610310E-1f));
        p = O.Fma(p, f, O.Splat(1.1676998740E-1f));
        p = O.Fma(p, f, O.Splat(-1.2420140846E-1f));
        p = O.Fma(p, f, O.Splat(1.4249322787E-1f));
        p = O.Fma(p, f, O.Splat(-1.6668057665E-1f));
        p = O.Fma(p, f, O.Splat(2.0000714765E-1f));
        p = O.Fma(p, f, O.Splat(-2.4999993993E-1f));
        p = O.Fma(p, f, O.Splat(3.3333331174E-1f));
        var y = O.Mul(O.Mul(p, f), z);
        y = O.Fma(e, O.Splat(Ln2Lo), y);
        y = O.Fma(z, O.Splat(-0.5f), y);
        var res = O.Fma(e, O.Splat(Ln2Hi), O.Add(f, y));
        res = O.Select(O.Eq(x, O.Splat(float.PositiveInfinity)), x, res);
        res = O.Select(O.Eq(x, O.Splat(0f)), O.Splat(float.NegativeInfinity), res);
        res = O.Select(O.Lt(x, O.Splat(0f)), O.Splat(float.NaN), res);
        return O.Select(IsNan<TV, O>(x), x, res);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TV Log1p<TV, O>(TV x) where TV : struct where O : IVecF<TV>
    {
        // Goldberg's trick: log(u) * x / (u - 1) with u = 1 + x cancels the rounding of u.
        var u = O.Add(x, O.Splat(1f));
        var d = O.Sub(u, O.Splat(1f));
        // x / d is close to 1, so huge x cannot overflow the product.
        var res = O.Mul(Log<TV, O>(u), O.Div(x, d));
        res = O.Select(O.Eq(d, O.Splat(0f)), x, res);
        res = O.Select(O.Eq(x, O.Splat(float.PositiveInfinity)), x, res);
        return O.Select(O.Eq(u, O.Splat(0f)), O.Splat(float.NegativeInfinity), res);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TV Tanh<TV, O>(TV x) where TV : struct where O : IVecF<TV>
    {
        var ax = AbsOf<TV, O>(x);
        var s = O.Mul(x, x);
        var p = O.Splat(-5.70498872745E-3f);
        p = O.Fma(p, s, O.Splat(2.06390887954E-2f));
        p = O.Fma(p, s, O.Splat(-5.37397155531E-2f));
        p = O.Fma(p, s, O.Splat(1.33314422036E-1f));
        p = O.Fma(p, s, O.Splat(-3.33332819422E-1f));
        var small = O.Fma(O.Mul(p, s), x, x);
        // 1 - 2 / (e^{2|x|} + 1), which saturates to 1 (e = inf) without a NaN.
        var e = ExpInline<TV, O>(O.Add(ax, ax));
        var large = O.Sub(O.Splat(1f), O.Div(O.Splat(2f), O.Add(e, O.Splat(1f))));
        large = O.Or(large, O.And(x, SignMask<TV, O>()));
        return O.Select(O.Lt(ax, O.Splat(0.625f)), small, large);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TV Sigmoid<TV, O>(TV x) where TV : struct where O : IVecF<TV>
    {
        // e = exp(-|x|) never overflows: 1/(1+e) for x >= 0, e/(1+e) for x < 0.
        var e = ExpInline<TV, O>(O.Xor(AbsOf<TV, O>(x), SignMask<TV, O>()));
        var r = O.Div(O.Splat(1f), O.Add(e, O.Splat(1f)));
        return O.Select(O.Lt(x, O.Splat(0f)), O.Mul(e, r), r);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TV Erf<TV, O>(TV a) where TV : struct where O : IVecF<TV>
    {
        var t = AbsOf<TV, O>(a);
        var s = O.Mul(a, a);
        // |a| <= 0.927734375: a + a * P(a^2).
        var r = O.Splat(-5.96761703e-4f);
        r = O.Fma(r, s, O.Splat(4.99119423e-3f));
        r = O.Fma(r, s, O.Splat(-2.67681349e-2f));
        r = O.Fma(r, s, O.Splat(1.12819925e-1f));
        r = O.Fma(r, s, O.Splat(-3.76125336e-1f));
        r = O.Fma(r, s, O.Splat(1.28379166e-1f));
        var small = O.Fma(r, a, a);
        // Otherwise 1 - exp(Q(|a|)); |a| is capped at 5, where erf already rounds to 1 in float32
        // (erfc(5) = 1.5e-12) and exp(Q) is still a normal number: at the old cap of 10 it was
        // denormal, and every vector with a lane that far out took the slow denormal arithmetic.
        var tl = O.MinFast(t, O.Splat(5f));
        var sl = O.Mul(tl, tl);
        var q = O.Fma(O.Splat(-1.72853470e-5f), tl, O.Splat(3.83197126e-4f));
        var u = O.Fma(O.Splat(-3.88396438e-3f), tl, O.Splat(2.42546219e-2f));
        q = O.Fma(q, sl, u);
        q = O.Fma(q, tl, O.Splat(-1.06777877e-1f));
        q = O.Fma(q, tl, O.Splat(-6.34846687e-1f));
        q = O.Fma(q, tl, O.Splat(-1.28717512e-1f));
        q = O.Fma(q, tl, O.Sub(O.Splat(0f), tl));
        var large = O.Sub(O.Splat(1f), ExpInline<TV, O>(q));
        large = O.Or(large, O.And(a, SignMask<TV, O>()));
        return O.Select(O.Gt(t, O.Splat(0.927734375f)), large, small);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TV Sin<TV, O>(TV x) where TV : struct where O : IVecF<TV> => SinCos<TV, O>(x, cos: false);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TV Cos<TV, O>(TV x) where TV : struct where O : IVecF<TV> => SinCos<TV, O>(x, cos: true);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TV SinCos<TV, O>(TV x, bool cos) where TV : struct where O : IVecF<TV>
    {
        // x = q * pi/2 + r with a three-part pi/2 (exact products for |q| < 2^15), |r| <= pi/4.
        var q = O.RoundEven(O.Mul(x, O.Splat(0.636619772f)));
        var r = O.Fma(q, O.Splat(-1.5703125f), x);
        r = O.Fma(q, O.Splat(-4.837512969970703125e-4f), r);
        r = O.Fma(q, O.Splat(-7.54978995489188216e-8f), r);
        var z = O.Mul(r, r);
        var ps = O.Fma(O.Fma(O.Splat(-1.9515295891e-4f), z, O.Splat(8.3321608736e-3f)), z, O.Splat(-1.6666654611e-1f));
        var s = O.Fma(O.Mul(r, z), ps, r);
        var pc = O.Fma(O.Fma(O.Splat(2.443315711809948e-5f), z, O.Splat(-1.388731625493765e-3f)), z, O.Splat(4.166664568298827e-2f));
        var c = O.Fma(O.Mul(z, z), pc, O.Fma(z, O.Splat(-0.5f), O.Splat(1f)));
        // Quadrant k = q mod 4; cos(x) = sin(x + pi/2) is quadrant k + 1.
        var k = O.Sub(q, O.Mul(O.Floor(O.Mul(q, O.Splat(0.25f))), O.Splat(4f)));
        if (cos)
        {
            k = O.Add(k, O.Splat(1f));
            k = O.Select(O.Eq(k, O.Splat(4f)), O.Splat(0f), k);
        }
        var odd = O.Or(O.Eq(k, O.Splat(1f)), O.Eq(k, O.Splat(3f)));
        var res = O.Select(odd, c, s);
        res = O.Xor(res, O.And(O.Gt(k, O.Splat(1.5f)), SignMask<TV, O>()));
        // Huge arguments (and ±inf) need a longer reduction: rare, done per lane in double.
        var big = O.Gt(AbsOf<TV, O>(x), O.Splat(8192f));
        if (O.AnyTrue(big))
        {
            for (int i = 0; i < O.Count; i++)
            {
                float xi = O.Get(x, i);
                if (!(MathF.Abs(xi) > 8192f)) continue;
                res = O.With(res, i, (float)(cos ? Math.Cos(xi) : Math.Sin(xi)));
            }
        }
        return res;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static TV Pow<TV, O>(TV x, TV y) where TV : struct where O : IVecF<TV>
    {
        // exp(y log x) for finite x > 0 and finite y; the rest of pow's case table (zero,
        // negative bases, infinities, NaN) per lane in double, exactly as the evaluator.
        var res = Exp<TV, O>(O.Mul(y, Log<TV, O>(x)));
        var inf = O.Splat(float.PositiveInfinity);
        var ok = O.And(O.And(O.Gt(x, O.Splat(0f)), O.Lt(x, inf)), O.Lt(AbsOf<TV, O>(y), inf));
        var bad = O.Xor(ok, O.Splat(BitConverter.Int32BitsToSingle(-1)));
        if (O.AnyTrue(bad))
        {
            for (int i = 0; i < O.Count; i++)
            {
                float xi = O.Get(x, i), yi = O.Get(y, i);
                if (xi > 0 && xi < float.PositiveInfinity && MathF.Abs(yi) < float.PositiveInfinity) continue;
                res = O.With(res, i, (float)Math.Pow(xi, yi));
            }
        }
        return res;
    }
}
