namespace Jit.Backends.Cpu.Codegen;

/// <summary>
/// The float32 lane operations <see cref="VectorMathCore"/> is written against, implemented once
/// per hardware width (<see cref="Vec256F"/>, <see cref="Vec512F"/>). The algorithms are generic
/// over a struct implementing this, so the JIT specialises and inlines them per width and the
/// polynomials exist once. Masks are float vectors with all bits set in true lanes.
/// </summary>
internal interface IVecF<TV> where TV : struct
{
    static abstract int Count { get; }
    static abstract TV Splat(float x);
    static abstract TV Add(TV a, TV b);
    static abstract TV Sub(TV a, TV b);
    static abstract TV Mul(TV a, TV b);
    static abstract TV Div(TV a, TV b);

    /// <summary><c>a * b + c</c> with one rounding.</summary>
    static abstract TV Fma(TV a, TV b, TV c);

    /// <summary>Lane minimum/maximum without NaN care (inputs to these are never NaN).</summary>
    static abstract TV MinFast(TV a, TV b);
    static abstract TV MaxFast(TV a, TV b);
    static abstract TV Sqrt(TV a);
    static abstract TV And(TV a, TV b);
    static abstract TV Or(TV a, TV b);
    static abstract TV Xor(TV a, TV b);
    static abstract TV Lt(TV a, TV b);
    static abstract TV Le(TV a, TV b);
    static abstract TV Gt(TV a, TV b);
    static abstract TV Eq(TV a, TV b);
    static abstract TV Select(TV mask, TV ifTrue, TV ifFalse);
    static abstract bool AnyTrue(TV mask);

    /// <summary>Round half to even to an integral float.</summary>
    static abstract TV RoundEven(TV a);
    static abstract TV Floor(TV a);

    /// <summary><c>x * 2^n</c> for integral <paramref name="n"/> in [-126, 127] (exponent bits built directly).</summary>
    static abstract TV Pow2(TV n);

    /// <summary>The unbiased exponent field of normal <paramref name="x"/> as floats, and the mantissa scaled to [1, 2).</summary>
    static abstract TV Exponent(TV x, out TV mantissa);

    /// <summary>Lane <paramref name="i"/> (scalar fallbacks for rare inputs).</summary>
    static abstract float Get(TV v, int i);
    static abstract TV With(TV v, int i, float x);
}
