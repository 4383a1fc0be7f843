using System.Buffers;
using System.Numerics;
using Jit.Tensors;

namespace Jit.Backends.Cpu.Kernels.Common;

/// <summary>
/// Float32/float64 conv2d into a given output: depthwise convs run directly
/// (<see cref="ConvDepthwise"/>), large float32 3x3 stride-1 ones by Winograd
/// (<see cref="ConvWinograd"/>), the rest without im2col where K fits one GEMM k-block
/// (<see cref="ConvDirect"/>, except pointwise convs with many output channels); the others are,
/// per sample and group, im2col into a pooled buffer (none for a pointwise conv, whose input
/// already is the GEMM's B) and one packed GEMM
/// weight × columns. Either way the epilogue adds the bias, then an optional addend (a fused
/// residual, laid out as the output), then applies relu. The ordinary kernel and the out-variant both run this, so the
/// static runtime and the interpreter agree bit for bit.
/// </summary>
internal static unsafe class ConvGemm
{
    /// <summary>
    /// At output planes up to this many pixels the weights are kept packed up to
    /// <see cref="KeptElements"/> elements (<see cref="PackedWeightCache{T}"/>), not only small ones:
    /// there packing A on every call cost about a fifth of the product (320→1280 channels at 7x7:
    /// 55 GFLOP/s packing per call, 66-70 without).
    /// </summary>
    private const int SmallPlane = 256;

    private const long KeptElements = 1 << 20;

    /// <summary>Every tensor contiguous; <paramref name="addend"/>, when given, has the output's sizes.</summary>
    public static void Run<T>(in Conv2dShape s, Tensor x, Tensor w, Tensor? bias, Tensor? addend, Tensor y, bool relu, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (s.IsDepthwise)
        {
            ConvDepthwise.Run<T>(s, x, w, bias, y, relu && addend is null, threads);
            if (addend is not null) AddRelu(y.ContiguousSpan<T>(), addend.ContiguousSpan<T>(), relu);
            return;
        }
        if (ConvWinograd.Handles<T>(s))
        {
            ConvWinograd.Run(s, x, w, bias, addend, y, relu, threads);
            return;
        }
        if (ConvDirect.Handles<T>(s))
        {
            ConvDirect.Run<T>(s, x, w, bias, addend, y, relu, threads);
            return;
        }
        int rows = s.Rows, plane = s.Plane, cg = s.ChannelsPerGroup, ocg = s.OutChannelsPerGroup;
        var xs = x.ContiguousSpan<T>();
        var ws = w.ContiguousSpan<T>();
        var bs = bias is null ? default : bias.ContiguousSpan<T>();
        var zs = addend is null ? default : addend.ContiguousSpan<T>();
        var ys = y.ContiguousSpan<T>();
        T[]? cols = s.IsPointwise ? null : ArrayPool<T>.Shared.Rent(checked(rows * plane));
        int mr = GemmBlocking.For(GemmBlocking.Best, sizeof(T)).MR;
        var packed = plane <= SmallPlane ? PackedWeightCache<T>.Get(w, rows, s.Groups, mr, KeptElements) : PackedWeightCache<T>.Get(w, rows, s.Groups, mr);
        long groupPanels = (long)(ocg + mr - 1) / mr * mr * rows;
        try
        {
            fixed (T* xp = xs, cp = cols)
            {
                for (int b = 0; b < s.N; b++)
                {
                    for (int g = 0; g < s.Groups; g++)
                    {
                        long input = ((long)b * s.C + (long)g * cg) * s.H * s.W;
                        ReadOnlySpan<T> bMatrix = xs;
                        var bLayout = new GemmLayout(input, plane, 1);
                        if (cols is not null)
                        {
                            ConvIm2Col.Fill(s, xp + input, cg, cp);
                            bMatrix = cols.AsSpan(0, rows * plane);
                            bLayout = new GemmLayout(0, plane, 1);
                        }
                        PackedGemm.RunAny(new GemmArgs<T>
                        {
                            M = ocg, N = plane, K = rows,
                            A = ws, ALayout = new GemmLayout((long)g * ocg * rows, rows, 1),
                            B = bMatrix, BLayout = bLayout,
                            C = ys, COffset = ((long)b * s.OC + (long)g * ocg) * plane, Ldc = plane,
                            Alpha = T.One, Beta = T.Zero,
                            RowBias = bs.IsEmpty ? default : bs.Slice(g * ocg, ocg),
                            Addend = zs,
                            Relu = relu,
                            PackedA = packed is null ? default : packed.AsSpan((int)(g * groupPanels), (int)groupPanels),
                            PackedAMr = mr,
                        }, threads);
                    }
                }
            }
        }
        finally
        {
            if (cols is not null) ArrayPool<T>.Shared.Return(cols);
        }
    }

    // The depthwise path's residual: the same "+ addend, then relu" as the GEMM epilogue.
    private static void AddRelu<T>(Span<T> y, ReadOnlySpan<T> z, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int k = 0; k < y.Length; k++)
        {
            T v = y[k] + z[k];
            y[k] = relu && v < T.Zero ? T.Zero : v;
        }
    }
}
