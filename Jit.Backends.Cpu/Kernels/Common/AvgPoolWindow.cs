namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The input window of one avg_pool2d output and its divisor, as PyTorch defines them: each axis
/// is clipped to the padded input for count_include_pad, then to the real input for the sum.
/// The one place this rule lives (the ordinary and the out-variant kernels both use it).
/// </summary>
internal readonly record struct AvgPoolWindow(PoolAxis Y, PoolAxis X)
{
    public static AvgPoolWindow At(long oy, long ox, long sh, long sw, long ph, long pw, long kh, long kw, long h, long w) =>
        new(PoolAxis.Of(oy, sh, ph, kh, h), PoolAxis.Of(ox, sw, pw, kw, w));

    public long Y0 => Y.From;
    public long Y1 => Y.To;
    public long X0 => X.From;
    public long X1 => X.To;

    /// <summary>No input element falls in the window: the output is 0.</summary>
    public bool IsEmpty => Y.From >= Y.To || X.From >= X.To;

    public long Divisor(long? divisorOverride, bool countIncludePad) =>
        divisorOverride ?? Y.Count(countIncludePad) * X.Count(countIncludePad);
}

/// <summary>One axis of an avg_pool2d window: input positions [From, To) and its length inside the padded input.</summary>
internal readonly record struct PoolAxis(long From, long To, long Padded)
{
    public static PoolAxis Of(long o, long stride, long pad, long kernel, long size)
    {
        long start = o * stride - pad, end = Math.Min(start + kernel, size + pad);
        return new(Math.Max(start, 0), Math.Min(end, size), end - start);
    }

    /// <summary>The axis' factor of the divisor: its padded length with count_include_pad, its input length without.</summary>
    public long Count(bool countIncludePad) => countIncludePad ? Padded : To - From;
}
