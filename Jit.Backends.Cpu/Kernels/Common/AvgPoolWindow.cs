namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The input window of one avg_pool2d output and its divisor, as PyTorch defines them: the window
/// is clipped to the padded input for count_include_pad, then to the real input for the sum.
/// The one place this rule lives (the ordinary and the out-variant kernels both use it).
/// </summary>
internal readonly record struct AvgPoolWindow(long Y0, long Y1, long X0, long X1, long PaddedSize)
{
    public static AvgPoolWindow At(long oy, long ox, long sh, long sw, long ph, long pw, long kh, long kw, long h, long w)
    {
        long y0 = oy * sh - ph, x0 = ox * sw - pw;
        long y1 = Math.Min(y0 + kh, h + ph), x1 = Math.Min(x0 + kw, w + pw);
        long padded = (y1 - y0) * (x1 - x0);
        return new(Math.Max(y0, 0), Math.Min(y1, h), Math.Max(x0, 0), Math.Min(x1, w), padded);
    }

    /// <summary>No input element falls in the window: the output is 0.</summary>
    public bool IsEmpty => Y0 >= Y1 || X0 >= X1;

    public long Divisor(long? divisorOverride, bool countIncludePad) =>
        divisorOverride ?? (countIncludePad ? PaddedSize : (Y1 - Y0) * (X1 - X0));
}
