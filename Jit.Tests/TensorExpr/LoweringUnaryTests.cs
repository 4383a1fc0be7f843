using Jit.Tensors;
using Xunit;

namespace Jit.Tests.TensorExpr;

/// <summary>Unary math, activations, casts and copies, tril/triu, repeat: lowered vs the CPU kernel.</summary>
public sealed class LoweringUnaryTests
{
    private static readonly (long[] Shape, Layout Layout)[] Shapes =
    [
        ([3, 5], Layout.Contiguous), ([5, 3], Layout.Transposed), ([7], Layout.Transposed), ([4, 3], Layout.Expanded),
        ([0, 3], Layout.Contiguous), ([1, 1], Layout.Contiguous), ([], Layout.Contiguous), ([2, 3, 5], Layout.Transposed),
    ];

    // Overload -> its constant arguments after self.
    public static TheoryData<string> UnaryNames() => new(UnaryOps.Keys);

    private static readonly Dictionary<string, Func<LArg[]>> UnaryOps = new()
    {
        ["aten::exp"] = () => [], ["aten::log"] = () => [], ["aten::log2"] = () => [], ["aten::log1p"] = () => [],
        ["aten::expm1"] = () => [], ["aten::sqrt"] = () => [], ["aten::rsqrt"] = () => [], ["aten::sin"] = () => [],
        ["aten::cos"] = () => [], ["aten::tan"] = () => [], ["aten::tanh"] = () => [], ["aten::erf"] = () => [],
        ["aten::sigmoid"] = () => [], ["aten::abs"] = () => [], ["aten::floor"] = () => [], ["aten::ceil"] = () => [],
        ["aten::round"] = () => [], ["aten::trunc"] = () => [], ["aten::neg"] = () => [], ["aten::sign"] = () => [],
        ["aten::reciprocal"] = () => [], ["aten::frac"] = () => [], ["aten::relu"] = () => [], ["aten::relu6"] = () => [],
        ["aten::logical_not"] = () => [], ["aten::bitwise_not"] = () => [],
        ["aten::silu"] = () => [], ["aten::mish"] = () => [], ["aten::hardswish"] = () => [], ["aten::hardsigmoid"] = () => [],
        ["aten::gelu"] = () => [ConstArg.Str("none")],
        ["aten::softplus"] = () => [ConstArg.Float(1.5), ConstArg.Int(2)],
        ["aten::leaky_relu"] = () => [ConstArg.Float(0.02)],
        ["aten::elu"] = () => [ConstArg.Float(1.2), ConstArg.Float(0.9), ConstArg.Int(2)],
        // decimals=3 on data with 3 decimals: no ties, where PyTorch (float opmath) and the CPU kernel (double) differ.
        ["aten::round.decimals"] = () => [ConstArg.Int(3)],
        ["aten::clone"] = () => [ConstArg.None],
        ["aten::tril"] = () => [ConstArg.Int(0)],
        ["aten::triu"] = () => [ConstArg.Int(-1)],
    };

    [Theory]
    [MemberData(nameof(UnaryNames))]
    public void UnaryOpMatchesCpuKernel(string overload)
    {
        var rng = new Random(overload.Length * 13 + 1);
        int accepted = 0;
        foreach (var dtype in LoweringHarness.AllDTypes)
        {
            foreach (var (shape, layout) in Shapes)
            {
                if (overload is "aten::tril" or "aten::triu" && shape.Length < 2) continue;
                LArg[] args = [new TensorArg(dtype, shape, layout), .. UnaryOps[overload]()];
                if (LoweringHarness.Check(overload, args, rng)) accepted++;
            }
        }
        Assert.True(accepted > 0, $"{overload}: the CPU kernel accepted no dtype");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("tanh")]
    public void GeluBothApproximations(string approximate)
    {
        var rng = new Random(41);
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Float16 })
            foreach (var (shape, layout) in Shapes)
                Assert.True(LoweringHarness.Check("aten::gelu", [new TensorArg(dtype, shape, layout), ConstArg.Str(approximate)], rng));
    }

    [Fact]
    public void DecimalsAndTriangles()
    {
        var rng = new Random(43);
        foreach (var d in new long[] { -1, 0, 3 })
            Assert.True(LoweringHarness.Check("aten::round.decimals", [new TensorArg(DType.Float32, [3, 5]), ConstArg.Int(d)], rng));
        foreach (var diag in new long[] { -2, 0, 1, 4 })
        {
            Assert.True(LoweringHarness.Check("aten::tril", [new TensorArg(DType.Int32, [2, 3, 5], Layout.Transposed), ConstArg.Int(diag)], rng));
            Assert.True(LoweringHarness.Check("aten::triu", [new TensorArg(DType.Float32, [5, 3]), ConstArg.Int(diag)], rng));
        }
    }

    [Fact]
    public void CastsFollowTheRegistryDType()
    {
        var rng = new Random(47);
        foreach (var from in LoweringHarness.AllDTypes)
        {
            foreach (var to in LoweringHarness.AllDTypes)
            {
                var x = new TensorArg(from, [3, 5], Layout.Transposed);
                Assert.True(LoweringHarness.Check("aten::to.dtype", [x, ConstArg.Int((int)to), ConstArg.Bool(false), ConstArg.Bool(false), ConstArg.None], rng));
                Assert.True(LoweringHarness.Check("aten::type_as", [x, new TensorArg(to, [2])], rng));
            }
            Assert.True(LoweringHarness.Check("aten::_to_copy", [new TensorArg(from, [0, 4]), ConstArg.Int((int)DType.Float64), ConstArg.None, ConstArg.None, ConstArg.None, ConstArg.Bool(false), ConstArg.None], rng));
        }
    }

    [Fact]
    public void RepeatTilesThroughIndexArithmetic()
    {
        var rng = new Random(53);
        Assert.True(LoweringHarness.Check("aten::repeat", [new TensorArg(DType.Float32, [3, 5], Layout.Transposed), ConstArg.Ints(2, 1)], rng));
        Assert.True(LoweringHarness.Check("aten::repeat", [new TensorArg(DType.Int64, [3]), ConstArg.Ints(2, 3)], rng));
        Assert.True(LoweringHarness.Check("aten::repeat", [new TensorArg(DType.Bool, [0, 2]), ConstArg.Ints(1, 2, 3)], rng));
        Assert.True(LoweringHarness.Check("aten::repeat", [new TensorArg(DType.Float32, []), ConstArg.Ints(4)], rng));
    }
}
