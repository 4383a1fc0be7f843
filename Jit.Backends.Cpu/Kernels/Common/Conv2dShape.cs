namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The geometry of one batched 2-D convolution, checked by the caller: input [N, C, H, W], weight
/// [OC, C/Groups, KH, KW], output [N, OC, OH, OW]; padding as the top and left offsets (the bottom
/// and right follow from OH and OW). Make one with <see cref="TryCreate"/>.
/// </summary>
internal readonly record struct Conv2dShape(
    int N, int C, int H, int W, int OC, int Groups, int KH, int KW,
    int SH, int SW, int PadTop, int PadLeft, int DH, int DW, int OH, int OW)
{
    public int ChannelsPerGroup => C / Groups;
    public int OutChannelsPerGroup => OC / Groups;

    /// <summary>The GEMM's K: one row of im2col columns per input channel and kernel tap.</summary>
    public int Rows => ChannelsPerGroup * KH * KW;

    public int Plane => OH * OW;

    public bool IsDepthwise => Groups == C && ChannelsPerGroup == 1 && OC == C;

    /// <summary>A 1x1, stride-1, unpadded conv reads its input as the GEMM's B matrix directly.</summary>
    public bool IsPointwise => KH == 1 && KW == 1 && SH == 1 && SW == 1 && PadTop == 0 && PadLeft == 0 && OH == H && OW == W;

    /// <summary>
    /// The geometry from sizes already checked against each other, or false when a value (or the
    /// im2col matrix, K x OH·OW) is beyond what the kernels index with ints. Where an output
    /// dimension is 1 its stride is never applied, so any stride there (PyTorch accepts 2^40)
    /// is taken as 1.
    /// </summary>
    public static bool TryCreate(long n, long c, long h, long w, long oc, long groups, long kh, long kw,
        long sh, long sw, long padTop, long padLeft, long dh, long dw, long oh, long ow, out Conv2dShape shape)
    {
        if (oh == 1) sh = 1;
        if (ow == 1) sw = 1;
        shape = default;
        if (Math.Max(Math.Max(Math.Max(n, c), Math.Max(h, w)), Math.Max(Math.Max(oc, groups), Math.Max(kh, kw))) > int.MaxValue
            || Math.Max(Math.Max(Math.Max(sh, sw), Math.Max(padTop, padLeft)), Math.Max(Math.Max(dh, dw), Math.Max(oh, ow))) > int.MaxValue
            || (double)(c / groups) * kh * kw * oh * ow > int.MaxValue)
            return false;
        shape = new((int)n, (int)c, (int)h, (int)w, (int)oc, (int)groups, (int)kh, (int)kw,
            (int)sh, (int)sw, (int)padTop, (int)padLeft, (int)dh, (int)dw, (int)oh, (int)ow);
        return true;
    }

    /// <summary>The output positions o in [0, count) whose input position o·stride + shift lies in [0, size): where one kernel tap reads inside the input.</summary>
    public static (int From, int To) ValidOutputs(int shift, int stride, int size, int count)
    {
        int from = shift >= 0 ? 0 : (-shift + stride - 1) / stride;
        int to = size - shift <= 0 ? 0 : Math.Min(count, (size - shift - 1) / stride + 1);
        return (from, Math.Max(from, to));
    }
}
