using Jit.TensorExpr.Lowering;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.TensorExpr;

/// <summary>
/// Every elementwise lowering against its unfused CPU kernel: odd sizes, broadcasting, symbolic
/// and static sizes, transposed and expanded (stride 0) inputs, size-1 and size-0 dims, rank 0,
/// every dtype the CPU kernel accepts.
/// </summary>
public sealed class LoweringElementwiseTests
{
    // (a shape, b shape, a layout, b layout): equal, broadcast both ways, rank mismatch, size 0, rank 0, strided.
    private static readonly (long[] A, long[] B, Layout LA, Layout LB)[] BinaryShapes =
    [
        ([3, 5], [3, 5], Layout.Contiguous, Layout.Contiguous),
        ([3, 1], [1, 5], Layout.Contiguous, Layout.Contiguous),
        ([5], [3, 5], Layout.Contiguous, Layout.Contiguous),
        ([2, 1, 3], [4, 1], Layout.Contiguous, Layout.Contiguous),
        ([0, 5], [1, 5], Layout.Contiguous, Layout.Contiguous),
        ([], [3, 5], Layout.Contiguous, Layout.Contiguous),
        ([3, 5], [3, 5], Layout.Transposed, Layout.Expanded),
        ([7], [7], Layout.Transposed, Layout.Contiguous),
    ];

    // Overload -> the range of the second operand (divisors are nonzero, integer exponents small).
    private static readonly Dictionary<string, DataRange> BinaryTensorOps = new()
    {
        ["aten::add.Tensor"] = DataRange.Any, ["aten::sub.Tensor"] = DataRange.Any, ["aten::rsub.Tensor"] = DataRange.Any,
        ["aten::mul.Tensor"] = DataRange.Any, ["aten::div.Tensor"] = DataRange.NonZero, ["aten::remainder.Tensor"] = DataRange.NonZero,
        ["aten::fmod.Tensor"] = DataRange.NonZero, ["aten::floor_divide"] = DataRange.NonZero, ["aten::pow.Tensor_Tensor"] = DataRange.Small,
        ["aten::maximum"] = DataRange.Any, ["aten::minimum"] = DataRange.Any, ["aten::max.other"] = DataRange.Any, ["aten::min.other"] = DataRange.Any,
        ["aten::eq.Tensor"] = DataRange.Any, ["aten::ne.Tensor"] = DataRange.Any, ["aten::lt.Tensor"] = DataRange.Any,
        ["aten::le.Tensor"] = DataRange.Any, ["aten::gt.Tensor"] = DataRange.Any, ["aten::ge.Tensor"] = DataRange.Any,
        ["aten::logical_and"] = DataRange.Any, ["aten::logical_or"] = DataRange.Any, ["aten::logical_xor"] = DataRange.Any,
        ["aten::bitwise_and.Tensor"] = DataRange.Any, ["aten::bitwise_or.Tensor"] = DataRange.Any, ["aten::bitwise_xor.Tensor"] = DataRange.Any,
        ["aten::__and__.Tensor"] = DataRange.Any, ["aten::__or__.Tensor"] = DataRange.Any, ["aten::__xor__.Tensor"] = DataRange.Any,
        ["aten::clamp_min.Tensor"] = DataRange.Any, ["aten::clamp_max.Tensor"] = DataRange.Any,
    };

    public static TheoryData<string> BinaryTensorNames() => new(BinaryTensorOps.Keys);

    [Theory]
    [MemberData(nameof(BinaryTensorNames))]
    public void BinaryTensorOpMatchesCpuKernel(string overload)
    {
        var rng = new Random(overload.Length * 31 + 5);
        var range = BinaryTensorOps[overload];
        int accepted = 0;
        foreach (var dtype in LoweringHarness.AllDTypes)
        {
            foreach (var (a, b, la, lb) in BinaryShapes)
            {
                var args = Args(overload, new TensorArg(dtype, a, la, range == DataRange.Small ? DataRange.Small : DataRange.Any), new TensorArg(dtype, b, lb, range));
                if (LoweringHarness.Check(overload, args, rng)) accepted++;
            }
            // Static sizes take the other broadcasting path (no run-time size-1 test).
            LoweringHarness.Check(overload, Args(overload, new TensorArg(dtype, [3, 1]), new TensorArg(dtype, [1, 5], Range: range)), rng, symbolic: false);
        }
        // Mixed dtypes: promotion as the registry's rule says.
        foreach (var (x, y) in new[] { (DType.Int32, DType.Float32), (DType.UInt8, DType.Int8), (DType.Bool, DType.Int64), (DType.Float16, DType.Float32), (DType.Int64, DType.Float64) })
        {
            if (LoweringHarness.Check(overload, Args(overload, new TensorArg(x, [3, 5], Range: range == DataRange.Small ? range : DataRange.Any), new TensorArg(y, [1, 5], Range: range)), rng)) accepted++;
        }
        Assert.True(accepted > 0, $"{overload}: the CPU kernel accepted no dtype");
    }

    // sub/add/rsub take alpha; clamp_min/max tensors are plain binaries.
    private static LArg[] Args(string overload, TensorArg a, TensorArg b) =>
        overload is "aten::add.Tensor" or "aten::sub.Tensor" or "aten::rsub.Tensor" ? [a, b, ConstArg.Int(1)] : [a, b];

    [Theory]
    [InlineData("aten::add.Tensor")]
    [InlineData("aten::sub.Tensor")]
    [InlineData("aten::rsub.Tensor")]
    public void AlphaScalesTheOtherOperand(string overload)
    {
        var rng = new Random(11);
        foreach (var dtype in new[] { DType.Float32, DType.Int32, DType.Int64 })
        {
            Assert.True(LoweringHarness.Check(overload, [new TensorArg(dtype, [3, 5]), new TensorArg(dtype, [5]), ConstArg.Int(3)], rng));
        }
        Assert.True(LoweringHarness.Check(overload, [new TensorArg(DType.Float32, [3, 5]), new TensorArg(DType.Float32, [5]), ConstArg.Float(-0.5)], rng));
    }

    private static readonly string[] ScalarOps =
    [
        "aten::add.Scalar", "aten::sub.Scalar", "aten::rsub.Scalar", "aten::mul.Scalar", "aten::div.Scalar", "aten::remainder.Scalar",
        "aten::fmod.Scalar", "aten::floor_divide.Scalar", "aten::pow.Tensor_Scalar", "aten::eq.Scalar", "aten::ne.Scalar", "aten::lt.Scalar",
        "aten::le.Scalar", "aten::gt.Scalar", "aten::ge.Scalar", "aten::bitwise_and.Scalar", "aten::bitwise_or.Scalar", "aten::bitwise_xor.Scalar",
        "aten::__and__.Scalar", "aten::__or__.Scalar", "aten::__xor__.Scalar", "aten::clamp_min", "aten::clamp_max",
    ];

    public static TheoryData<string> ScalarNames() => new(ScalarOps);

    [Theory]
    [MemberData(nameof(ScalarNames))]
    public void TensorScalarOpMatchesCpuKernel(string overload)
    {
        var rng = new Random(overload.Length * 17 + 3);
        bool alpha = overload is "aten::add.Scalar" or "aten::sub.Scalar" or "aten::rsub.Scalar";
        LArg[] numbers = [ConstArg.Int(3), ConstArg.Float(2.5), ConstArg.Int(-2), ConstArg.Bool(true), new ScalarInputArg(Jit.Runtime.IValue.FromDouble(1.5)), new ScalarInputArg(Jit.Runtime.IValue.FromInt(2))];
        int accepted = 0;
        foreach (var dtype in LoweringHarness.AllDTypes)
        {
            foreach (var number in numbers)
            {
                foreach (var (shape, layout) in new (long[], Layout)[] { ([3, 5], Layout.Contiguous), ([5, 3], Layout.Transposed), ([0, 3], Layout.Contiguous), ([], Layout.Contiguous) })
                {
                    var x = new TensorArg(dtype, shape, layout, overload == "aten::pow.Tensor_Scalar" ? DataRange.Small : DataRange.Any);
                    LArg[] args = alpha ? [x, number, ConstArg.Int(2)] : [x, number];
                    if (LoweringHarness.Check(overload, args, rng)) accepted++;
                }
            }
        }
        Assert.True(accepted > 0, $"{overload}: the CPU kernel accepted no dtype");
    }

    [Theory]
    [InlineData("aten::remainder.Scalar_Tensor")]
    [InlineData("aten::pow.Scalar")]
    [InlineData("aten::bitwise_and.Scalar_Tensor")]
    [InlineData("aten::bitwise_or.Scalar_Tensor")]
    [InlineData("aten::bitwise_xor.Scalar_Tensor")]
    public void ScalarTensorOpMatchesCpuKernel(string overload)
    {
        var rng = new Random(19);
        int accepted = 0;
        foreach (var dtype in LoweringHarness.AllDTypes)
        {
            foreach (var number in new LArg[] { ConstArg.Int(3), ConstArg.Float(2.5) })
            {
                var range = overload == "aten::pow.Scalar" ? DataRange.Small : DataRange.NonZero;
                if (LoweringHarness.Check(overload, [number, new TensorArg(dtype, [3, 5], Layout.Transposed, range)], rng)) accepted++;
            }
        }
        Assert.True(accepted > 0);
    }

    [Theory]
    [InlineData("trunc")]
    [InlineData("floor")]
    public void DivRoundingModes(string mode)
    {
        var rng = new Random(23);
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int64, DType.Int8 })
        {
            foreach (var (a, b, la, lb) in BinaryShapes)
                Assert.True(LoweringHarness.Check("aten::div.Tensor_mode", [new TensorArg(dtype, a, la), new TensorArg(dtype, b, lb, DataRange.NonZero), ConstArg.Str(mode)], rng));
            Assert.True(LoweringHarness.Check("aten::div.Scalar_mode", [new TensorArg(dtype, [3, 5]), ConstArg.Int(-3), ConstArg.Str(mode)], rng));
        }
        Assert.True(LoweringHarness.Check("aten::div.Tensor_mode", [new TensorArg(DType.Float32, [3, 5]), new TensorArg(DType.Float32, [5], Range: DataRange.NonZero), ConstArg.None], rng));
    }

    [Theory]
    [InlineData("aten::addcmul")]
    [InlineData("aten::addcdiv")]
    public void AddcOps(string overload)
    {
        var rng = new Random(29);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            Assert.True(LoweringHarness.Check(overload, [new TensorArg(dtype, [3, 5]), new TensorArg(dtype, [3, 1]), new TensorArg(dtype, [5], Layout.Transposed, DataRange.NonZero), ConstArg.Float(0.5)], rng));
            Assert.True(LoweringHarness.Check(overload, [new TensorArg(dtype, [0, 5]), new TensorArg(dtype, [1, 5]), new TensorArg(dtype, [5], Range: DataRange.NonZero), ConstArg.Int(1)], rng));
        }
    }

    [Fact]
    public void WhereAndMaskedFill()
    {
        var rng = new Random(31);
        foreach (var dtype in LoweringHarness.AllDTypes)
        {
            var cond = new TensorArg(DType.Bool, [3, 1]);
            LoweringHarness.Check("aten::where.self", [cond, new TensorArg(dtype, [1, 5], Layout.Transposed), new TensorArg(dtype, [3, 5])], rng);
            LoweringHarness.Check("aten::where.self", [new TensorArg(DType.Bool, [0, 5]), new TensorArg(dtype, [5]), new TensorArg(DType.Float32, [1])], rng);
            LoweringHarness.Check("aten::where.ScalarOther", [cond, new TensorArg(dtype, [3, 5]), ConstArg.Float(-1.5)], rng);
            LoweringHarness.Check("aten::where.ScalarSelf", [cond, ConstArg.Int(7), new TensorArg(dtype, [3, 5], Layout.Expanded)], rng);
            LoweringHarness.Check("aten::masked_fill.Scalar", [new TensorArg(dtype, [3, 5], Layout.Transposed), new TensorArg(DType.Bool, [5]), ConstArg.Int(1)], rng);
            LoweringHarness.Check("aten::masked_fill.Tensor", [new TensorArg(dtype, [3, 5]), new TensorArg(DType.Bool, [3, 1]), new TensorArg(dtype, [])], rng);
        }
        Assert.True(LoweringHarness.Check("aten::where.Scalar", [new TensorArg(DType.Bool, [3, 5]), ConstArg.Float(1.5), ConstArg.Int(-2)], rng));
        Assert.True(LoweringHarness.Check("aten::where.self", [new TensorArg(DType.Bool, [3, 5]), new TensorArg(DType.Int32, [3, 5]), new TensorArg(DType.Float32, [5])], rng));
    }

    [Fact]
    public void ClampVariants()
    {
        var rng = new Random(37);
        foreach (var dtype in LoweringHarness.AllDTypes)
        {
            var x = new TensorArg(dtype, [3, 5], Layout.Transposed);
            LoweringHarness.Check("aten::clamp", [x, ConstArg.Float(-1.5), ConstArg.Float(2)], rng);
            LoweringHarness.Check("aten::clamp", [x, ConstArg.Int(-1), ConstArg.None], rng);
            LoweringHarness.Check("aten::clamp", [x, ConstArg.None, ConstArg.Int(2)], rng);
            LoweringHarness.Check("aten::clamp", [x, ConstArg.Int(3), ConstArg.Int(1)], rng);
            LoweringHarness.Check("aten::clamp.Tensor", [x, new TensorArg(dtype, [5]), new TensorArg(dtype, [3, 1])], rng);
            LoweringHarness.Check("aten::clamp.Tensor", [x, ConstArg.None, new TensorArg(dtype, [1])], rng);
            // PyTorch (and the registry's rule) reject negative limits on uint8; the CPU kernel is lenient.
            if (dtype != DType.UInt8) LoweringHarness.Check("aten::hardtanh", [x, ConstArg.Float(-0.5), ConstArg.Float(0.5)], rng);
        }
        Assert.True(LoweringHarness.Check("aten::clamp", [new TensorArg(DType.Float32, [3, 5]), ConstArg.Float(-1.5), ConstArg.Float(2)], rng));
    }
}
