namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Where a max-pool window reads along one axis (PyTorch's max_pool2d): output position o covers
/// taps o·stride − pad + t·dilation; those in the padding are skipped, so the window starts at
/// its first in-bounds tap and ends one past its last. Shared by the ordinary kernel and the
/// out-variant, so both visit the same elements in the same order.
/// </summary>
internal static class MaxPoolWindow
{
    public static (long From, long To) Taps(long o, long stride, long pad, long kernel, long dilation, long size)
    {
        long from = o * stride - pad, to = Math.Min(from + (kernel - 1) * dilation + 1, size);
        while (from < 0) from += dilation;
        return (from, to);
    }
}
