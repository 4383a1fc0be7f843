namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// The geometry of one batched 2-D convolution, checked by the caller: input [N, C, H, W], weight
/// [OC, C/Groups, KH, KW], output [N, OC, OH, OW]; padding as the top and left offsets (the bottom
/// and right follow from OH and OW).
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
}
