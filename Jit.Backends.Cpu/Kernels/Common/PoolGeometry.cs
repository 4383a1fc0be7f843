using Jit.Errors;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The window of a 2-D max or average pool and its output size (at::native::pooling_output_shape,
/// ceil_mode included), read from the op's arguments without allocating and checked with
/// PyTorch's rules. The one place the ordinary pooling kernels and their out-variants get it from.
/// </summary>
internal readonly record struct PoolGeometry(long KH, long KW, long SH, long SW, long PH, long PW, long DH, long DW, long OH, long OW)
{
    /// <summary>
    /// The geometry of <paramref name="x"/> ([N, C, H, W] or [C, H, W]); <paramref name="dilation"/>
    /// is None for avg_pool2d (always 1). An empty <paramref name="stride"/> list means the kernel size.
    /// </summary>
    public static PoolGeometry Of(Tensor x, IValue kernel, IValue stride, IValue padding, IValue dilation, bool ceil, string op)
    {
        long kh = Arg(kernel, 0, op, "kernel_size"), kw = Arg(kernel, 1, op, "kernel_size");
        bool noStride = stride.IsList && stride.AsList.Count == 0;
        long sh = noStride ? kh : Arg(stride, 0, op, "stride"), sw = noStride ? kw : Arg(stride, 1, op, "stride");
        long ph = Arg(padding, 0, op, "padding"), pw = Arg(padding, 1, op, "padding");
        long dh = dilation.IsNone ? 1 : Arg(dilation, 0, op, "dilation"), dw = dilation.IsNone ? 1 : Arg(dilation, 1, op, "dilation");
        string Shape() => ShapeUtil.Format(x.Sizes);
        if (kh <= 0 || kw <= 0) throw new JitShapeException($"{op}: kernel size should be greater than zero, but got [{kh}, {kw}] (input {Shape()})");
        if (sh <= 0 || sw <= 0) throw new JitShapeException($"{op}: stride should be greater than zero, but got [{sh}, {sw}] (input {Shape()})");
        if (dh <= 0 || dw <= 0) throw new JitShapeException($"{op}: dilation should be greater than zero, but got [{dh}, {dw}] (input {Shape()})");
        if (ph < 0 || pw < 0 || ph > kh / 2 || pw > kw / 2)
            throw new JitShapeException($"{op}: pad should be at most half of kernel size, but got pad [{ph}, {pw}] and kernel [{kh}, {kw}] (input {Shape()})");
        long oh = OutputSize(x.Sizes[^2], kh, ph, sh, dh, ceil);
        long ow = OutputSize(x.Sizes[^1], kw, pw, sw, dw, ceil);
        if (oh < 1 || ow < 1)
            throw new JitShapeException($"{op}: given input size {Shape()}, calculated output size ({oh}x{ow}) is too small");
        return new PoolGeometry(kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
    }

    /// <summary>at::native::pooling_output_shape.</summary>
    public static long OutputSize(long input, long k, long pad, long stride, long dilation, bool ceil)
    {
        long num = input + 2 * pad - dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0);
        long o = (num >= 0 ? num / stride : -((-num + stride - 1) / stride)) + 1;
        if (ceil && (o - 1) * stride >= input + pad) o--;
        return o;
    }

    /// <summary>Item <paramref name="i"/> of an <c>int[2]</c> argument; one value (a bare int or a one-element list) stands for both.</summary>
    public static long Arg(IValue v, int i, string op, string arg)
    {
        if (v.IsInt) return v.AsInt;
        if (!v.IsList) throw new JitTypeException($"{op}: argument '{arg}' must be int[] but got {v.TagName}");
        var items = v.AsList.Items;
        if (items.Count != 1 && items.Count != 2)
            throw new JitShapeException($"{op}: '{arg}' must have 1 or 2 elements but has {items.Count}");
        var item = items[items.Count == 1 ? 0 : i];
        if (!item.IsInt) throw new JitTypeException($"{op}: argument '{arg}' must be int[] but element {i} is {item.TagName}");
        return item.AsInt;
    }
}
