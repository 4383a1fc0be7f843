using Jit.Runtime;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Kernels.ShapeTestValues;

namespace Jit.Tests.Kernels;

/// <summary>
/// The float32 max pool (eight columns at a time where the windows lie inside the row)
/// picks exactly the element the scalar loop of the float64 kernel picks: NaN wins, the last NaN's
/// index is reported, and of equal values (+0 and -0) the first stays, as PyTorch; and every
/// layout gives the same bits.
/// </summary>
public sealed class PoolCaseTests
{
    /// <summary>[N, C, H, W] sizes over [N, H, W, C] memory.</summary>
    private static Tensor ChannelsLast(int seed, long n, long c, long h, long w) =>
        Random(DType.Float32, seed, n, h, w, c).AsStrided([n, c, h, w], [h * w * c, 1, w * c, c], 0);

    /// <summary>Columns [3, 3 + w) of a wider tensor: unit column stride, rows further apart than they are long.</summary>
    private static Tensor Sliced(Tensor wide, long w) =>
        wide.AsStrided([wide.Sizes[0], wide.Sizes[1], wide.Sizes[2], w], wide.Strides, 3);

    private static IValue[] Max(Tensor x, long kh, long kw, long sh, long sw, long ph, long pw, long dh, long dw, bool ceil) =>
        [x, Ints(kh, kw), Ints(sh, sw), Ints(ph, pw), Ints(dh, dw), ceil];

    private static IValue[] Avg(Tensor x, long k, long s, long p, bool ceil, bool includePad, long? divisor) =>
        [x, Ints(k, k), Ints(s, s), Ints(p, p), ceil, includePad, divisor is { } d ? d : IValue.None];

    /// <summary>Pool cases of every path (vector columns, edges, layouts); <see cref="OutVariantKernelTests"/> runs them through the out-variants.</summary>
    internal static readonly (string Name, string Op, IValue[] Args)[] All =
    [
        ("max 2x2/2", "aten::max_pool2d", Max(Spiky(1, 2, 8, 16, 16), 2, 2, 2, 2, 0, 0, 1, 1, false)),
        ("max 2x2/2 odd sizes, ceil", "aten::max_pool2d", Max(Spiky(2, 1, 3, 9, 13), 2, 2, 2, 2, 0, 0, 1, 1, true)),
        ("max 3x3/2 pad 1 (resnet)", "aten::max_pool2d", Max(Spiky(3, 2, 4, 20, 40), 3, 3, 2, 2, 1, 1, 1, 1, false)),
        ("max 3x3/2 ceil (squeezenet)", "aten::max_pool2d", Max(Spiky(4, 1, 3, 21, 37), 3, 3, 2, 2, 0, 0, 1, 1, true)),
        ("max 3x3/2 pad 1 ceil", "aten::max_pool2d", Max(Spiky(5, 2, 2, 11, 38), 3, 3, 2, 2, 1, 1, 1, 1, true)),
        ("max 3x3/1 pad 1", "aten::max_pool2d", Max(Spiky(6, 1, 2, 9, 30), 3, 3, 1, 1, 1, 1, 1, 1, true)),
        ("max 2x3/3 dilated, ceil", "aten::max_pool2d", Max(Spiky(7, 1, 2, 10, 60), 2, 3, 3, 3, 1, 1, 2, 2, true)),
        ("max [C, H, W]", "aten::max_pool2d", Max(Spiky(8, 3, 12, 44), 3, 2, 2, 4, 1, 1, 1, 3, true)),
        ("max sliced rows", "aten::max_pool2d", Max(Sliced(Spiky(9, 1, 2, 9, 50), 42), 3, 3, 2, 2, 1, 1, 1, 1, true)),
        ("max channels last", "aten::max_pool2d", Max(ChannelsLast(10, 2, 16, 9, 20), 3, 3, 2, 2, 1, 1, 1, 1, true)),
        ("max 3x3/1 pad 1 ceil, 7x7 planes", "aten::max_pool2d", Max(Spiky(21, 2, 10, 7, 7), 3, 3, 1, 1, 1, 1, 1, 1, true)),
        ("max 3x3/2 dilated, 9x11 planes", "aten::max_pool2d", Max(Spiky(22, 1, 9, 9, 11), 3, 3, 2, 2, 1, 1, 2, 1, true)),
        ("avg 3x3/1 pad 1 ceil, 7x7 planes", "aten::avg_pool2d", Avg(Random(DType.Float32, 23, 2, 10, 7, 7), 3, 1, 1, true, false, null)),
        ("avg 2x2/2 divisor 3, 9x9 planes", "aten::avg_pool2d", Avg(Random(DType.Float32, 24, 1, 9, 9, 9), 2, 2, 1, true, true, 3)),
        ("adaptive avg 7x7 planes to 1x1", "aten::adaptive_avg_pool2d", [Random(DType.Float32, 26, 2, 12, 7, 7), Ints(1, 1)]),
        ("adaptive avg 14x14 to 7x7", "aten::adaptive_avg_pool2d", [Random(DType.Float32, 25, 1, 12, 14, 14), Ints(7, 7)]),
        ("avg 3x3/2 pad 1 ceil", "aten::avg_pool2d", Avg(Random(DType.Float32, 11, 2, 3, 11, 37), 3, 2, 1, true, false, null)),
        ("avg 3x3/2 pad 1 ceil, pad counted", "aten::avg_pool2d", Avg(Random(DType.Float32, 12, 2, 3, 11, 37), 3, 2, 1, true, true, null)),
        ("avg 3x3/1 divisor 5", "aten::avg_pool2d", Avg(Random(DType.Float32, 13, 1, 2, 10, 40), 3, 1, 1, false, true, 5)),
        ("avg 4x4/3 pad 2 ceil", "aten::avg_pool2d", Avg(Random(DType.Float32, 14, 1, 2, 9, 60), 4, 3, 2, true, true, null)),
        ("avg sliced rows", "aten::avg_pool2d", Avg(Sliced(Random(DType.Float32, 15, 1, 2, 9, 50), 42), 3, 2, 1, false, false, null)),
        ("avg channels last", "aten::avg_pool2d", Avg(ChannelsLast(16, 2, 16, 9, 20), 3, 2, 1, true, false, null)),
        ("adaptive avg 1x1", "aten::adaptive_avg_pool2d", [Random(DType.Float32, 17, 2, 5, 13, 13), Ints(1, 1)]),
        ("adaptive avg 3x5", "aten::adaptive_avg_pool2d", [Random(DType.Float32, 18, 1, 4, 40, 39), Ints(3, 5)]),
        ("adaptive avg sliced 1x1", "aten::adaptive_avg_pool2d", [Sliced(Random(DType.Float32, 19, 1, 2, 9, 50), 42), Ints(1, 1)]),
        ("adaptive avg channels last", "aten::adaptive_avg_pool2d", [ChannelsLast(20, 2, 16, 9, 20), Ints(2, 2)]),
    ];

    public static TheoryData<string, string, IValue[]> Cases()
    {
        var data = new TheoryData<string, string, IValue[]>();
        foreach (var (name, op, args) in All) data.Add(name, op, args);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Float32MaxPoolPicksTheElementsOfTheScalarLoop(string name, string op, IValue[] args)
    {
        if (op != "aten::max_pool2d") return;
        var x = args[0].AsTensor;
        var wide = Tensor.FromArray(x.ToDoubleArray(), [.. x.Sizes]);
        var o = new IValue[2];
        Assert.True(CpuKernels.TryGet("aten::max_pool2d_with_indices", out var kernel));
        kernel(args, o);
        var values = o[0].AsTensor;
        var indices = o[1].AsTensor;
        IValue[] wideArgs = [wide, .. args[1..]];
        kernel(wideArgs, o);
        Assert.Equal(Bits(o[0].AsTensor), Bits(values));
        Assert.Equal(o[1].AsTensor.ToDoubleArray(), indices.ToDoubleArray());
        Assert.True(CpuKernels.TryGet("aten::max_pool2d", out var plain));
        plain(args, o);
        Assert.True(Bits(o[0].AsTensor).SequenceEqual(Bits(values)), $"{name}: max_pool2d differs from the scalar loop");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RowsAndOtherLayoutsGiveTheSameBits(string name, string op, IValue[] args)
    {
        // Avg and max windows are visited in one order on every path, so unit-stride rows (eight
        // columns at a time, staged edges) and every other column stride (channel vectors, scalar
        // loops) agree to the bit. Adaptive avg sums wide rows in vector order: not compared.
        if (op == "aten::adaptive_avg_pool2d") return;
        Assert.True(CpuKernels.TryGet(op, out var kernel));
        var o = new IValue[1];
        kernel(args, o);
        var rows = o[0].AsTensor;
        kernel([Spread(args[0].AsTensor), .. args[1..]], o);
        Assert.True(Bits(o[0].AsTensor).SequenceEqual(Bits(rows)), $"{name}: the layouts differ");
    }

    /// <summary>The same values with every column two floats apart.</summary>
    private static Tensor Spread(Tensor x)
    {
        var wide = Tensor.Empty(DType.Float32, [.. x.Sizes, 2]);
        var view = wide.AsStrided(x.Sizes, wide.Strides[..^1], 0);
        for (long i = 0; i < x.NumElements; i++) view.SetDouble(i, x.GetDouble(i));
        return view;
    }

    /// <summary>Uniform values with +0, -0 and NaN sprinkled in (ties and NaN in many windows).</summary>
    private static Tensor Spiky(int seed, params long[] sizes)
    {
        var t = Random(DType.Float32, seed, sizes);
        var rng = new Random(seed);
        for (long i = 0; i < t.NumElements; i++)
        {
            int r = rng.Next(16);
            if (r < 3) t.SetDouble(i, 0.0);
            else if (r < 6) t.SetDouble(i, -0.0);
            else if (r < 9) t.SetDouble(i, -Math.Abs(t.GetDouble(i)));
            else if (r == 9) t.SetDouble(i, double.NaN);
        }
        return t;
    }

    // NaN equals NaN, -0 differs from 0.
    private static long[] Bits(Tensor t) => [.. t.ToDoubleArray().Select(BitConverter.DoubleToInt64Bits)];
}
