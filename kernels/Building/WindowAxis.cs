using Jit.TensorExpr;

namespace Jit.Kernels.Building;

/// <summary>
/// One spatial axis of a sliding window (conv and pooling): output position o reads input
/// position <c>o·Stride − Padding + t·Dilation</c> for taps t in [0, kernel). Taps that land in
/// the padding are masked: the load is clamped into range (so no access leaves the buffer, on
/// any target) and the value replaced.
/// </summary>
internal sealed record WindowAxis(long Stride, long Padding, long Dilation)
{
    /// <summary>The input position of tap <paramref name="tap"/> of output <paramref name="output"/>.</summary>
    public Expr Position(Expr output, Expr tap) => output * Stride - Padding + tap * Dilation;

    /// <summary>Conv output extent: <c>(input + 2·pad − dilation·(kernel − 1) − 1) / stride + 1</c>.</summary>
    public Expr ConvOutputSize(Expr input, Expr kernel) =>
        (input + 2 * Padding - Dilation * (kernel - 1) - 1) / Stride + 1;

    /// <summary>Pooling output extent (at::native::pooling_output_shape, ceil_mode included) for valid arguments.</summary>
    public Expr PoolOutputSize(Expr input, long kernel, bool ceilMode)
    {
        var size = (input + 2 * Padding - Dilation * (kernel - 1) - 1 + (ceilMode ? Stride - 1 : 0)) / Stride + 1;
        // In ceil mode the last window must start inside the input or its left padding.
        return ceilMode ? Expr.Select(Expr.Ge((size - 1) * Stride, input + Padding), size - 1, size) : size;
    }

    /// <summary>The same arithmetic on numbers, to validate a call's sizes the way the CPU kernel does.</summary>
    public long PoolOutputSize(long input, long kernel, bool ceilMode)
    {
        long num = input + 2 * Padding - Dilation * (kernel - 1) - 1 + (ceilMode ? Stride - 1 : 0);
        long size = (num >= 0 ? num / Stride : -((-num + Stride - 1) / Stride)) + 1;
        if (ceilMode && (size - 1) * Stride >= input + Padding) size--;
        return size;
    }

    /// <summary>Whether <paramref name="position"/> lies in [0, <paramref name="size"/>).</summary>
    public static Expr Inside(Expr position, Expr size) => Expr.And(Expr.Ge(position, 0), Expr.Lt(position, size));

    /// <summary>
    /// <paramref name="input"/> (trailing dims H, W) at <c>[leading..., y, x]</c>, or
    /// <paramref name="fill"/> where (y, x) is in the padding.
    /// </summary>
    public static Expr PaddedLoad(TeBuffer input, IReadOnlyList<Expr> leading, Expr y, Expr x, Expr fill)
    {
        Expr h = input.Sizes[^2], w = input.Sizes[^1];
        var load = input.Load([.. leading, Clamp(y, h), Clamp(x, w)]);
        return Expr.Select(Expr.And(Inside(y, h), Inside(x, w)), load, fill);
    }

    private static Expr Clamp(Expr position, Expr size) => Expr.Max(Expr.Min(position, size - 1), 0);
}
