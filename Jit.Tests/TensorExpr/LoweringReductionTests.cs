using Jit.Tensors;
using Xunit;

namespace Jit.Tests.TensorExpr;

/// <summary>Reductions over given dims (keepdim, dtype), softmax/log_softmax, layer_norm and group_norm: lowered vs the CPU kernel.</summary>
public sealed class LoweringReductionTests
{
    private static readonly DType[] AllDTypes =
        [DType.Float32, DType.Float64, DType.Float16, DType.Int64, DType.Int32, DType.Int8, DType.UInt8, DType.Bool];

    private static readonly (long[] Shape, Layout Layout)[] Shapes =
    [
        ([3, 5], Layout.Contiguous), ([5, 3], Layout.Transposed), ([2, 3, 5], Layout.Transposed), ([4, 3], Layout.Expanded),
        ([7], Layout.Contiguous), ([1, 1], Layout.Contiguous), ([0, 3], Layout.Contiguous),
    ];

    // Dim lists to try for a tensor of the given rank.
    private static IEnumerable<long[]> DimLists(int rank) => rank switch
    {
        0 => [[]],
        1 => [[0], [-1], []],
        2 => [[1], [0], [0, 1], [-1]],
        _ => [[1], [0, 2], [-1], []],
    };

    [Theory]
    [InlineData("aten::sum.dim_IntList")]
    [InlineData("aten::mean.dim")]
    [InlineData("aten::amax")]
    [InlineData("aten::amin")]
    public void DimListReductions(string overload)
    {
        var rng = new Random(overload.Length * 7 + 2);
        int accepted = 0;
        foreach (var dtype in AllDTypes)
        {
            foreach (var (shape, layout) in Shapes)
            {
                // amax/amin of an empty reduction is an error in PyTorch.
                foreach (var dims in DimLists(shape.Length))
                {
                    foreach (var keepdim in new[] { false, true })
                    {
                        LArg[] args = [new TensorArg(dtype, shape, layout), ConstArg.Ints(dims), ConstArg.Bool(keepdim)];
                        if (overload is "aten::sum.dim_IntList" or "aten::mean.dim") args = [.. args, ConstArg.None];
                        if (LoweringHarness.Check(overload, args, rng)) accepted++;
                    }
                }
            }
        }
        Assert.True(accepted > 0);
    }

    [Fact]
    public void SumAndProdWithDTypeAndWholeTensor()
    {
        var rng = new Random(59);
        foreach (var dtype in AllDTypes)
        {
            foreach (var (shape, layout) in Shapes)
            {
                LoweringHarness.Check("aten::sum", [new TensorArg(dtype, shape, layout), ConstArg.None], rng);
                LoweringHarness.Check("aten::prod", [new TensorArg(dtype, shape, layout, DataRange.Small), ConstArg.None], rng);
                LoweringHarness.Check("aten::mean", [new TensorArg(dtype, shape, layout), ConstArg.None], rng);
                LoweringHarness.Check("aten::sum.dim_IntList", [new TensorArg(dtype, shape, layout), ConstArg.Ints(0), ConstArg.Bool(true), ConstArg.Int((int)DType.Float64)], rng);
                if (shape.Length > 0)
                    LoweringHarness.Check("aten::prod.dim_int", [new TensorArg(dtype, shape, layout, DataRange.Small), ConstArg.Int(-1), ConstArg.Bool(false), ConstArg.None], rng);
            }
        }
        Assert.True(LoweringHarness.Check("aten::sum", [new TensorArg(DType.Int32, [3, 5]), ConstArg.None], rng));
        Assert.True(LoweringHarness.Check("aten::mean.dim", [new TensorArg(DType.Int32, [3, 5]), ConstArg.Ints(1), ConstArg.Bool(false), ConstArg.Int((int)DType.Float32)], rng));
    }

    [Fact]
    public void ExtremesWithIndicesAndAnyAll()
    {
        var rng = new Random(61);
        foreach (var dtype in AllDTypes)
        {
            foreach (var (shape, layout) in Shapes)
            {
                // Small ranges make ties, which must resolve to the first index.
                var x = new TensorArg(dtype, shape, layout, DataRange.Small);
                LoweringHarness.Check("aten::max", [x], rng);
                LoweringHarness.Check("aten::min", [x], rng);
                LoweringHarness.Check("aten::any", [x], rng);
                LoweringHarness.Check("aten::all", [x], rng);
                LoweringHarness.Check("aten::argmax", [x, ConstArg.None, ConstArg.Bool(false)], rng);
                LoweringHarness.Check("aten::argmin", [x, ConstArg.None, ConstArg.Bool(true)], rng);
                if (shape.Length == 0) continue;
                foreach (var keepdim in new[] { false, true })
                {
                    LoweringHarness.Check("aten::max.dim", [x, ConstArg.Int(-1), ConstArg.Bool(keepdim)], rng, outputs: 2);
                    LoweringHarness.Check("aten::min.dim", [x, ConstArg.Int(0), ConstArg.Bool(keepdim)], rng, outputs: 2);
                    LoweringHarness.Check("aten::argmax", [x, ConstArg.Int(0), ConstArg.Bool(keepdim)], rng);
                    LoweringHarness.Check("aten::any.dim", [x, ConstArg.Int(-1), ConstArg.Bool(keepdim)], rng);
                    LoweringHarness.Check("aten::all.dim", [x, ConstArg.Int(0), ConstArg.Bool(keepdim)], rng);
                }
            }
        }
        Assert.True(LoweringHarness.Check("aten::max.dim", [new TensorArg(DType.Float32, [3, 5]), ConstArg.Int(1), ConstArg.Bool(false)], rng, outputs: 2));
    }

    [Fact]
    public void VarianceStdAndLogSumExp()
    {
        var rng = new Random(67);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            foreach (var (shape, layout) in Shapes)
            {
                var x = new TensorArg(dtype, shape, layout);
                Assert.True(LoweringHarness.Check("aten::var", [x, ConstArg.Bool(true)], rng));
                Assert.True(LoweringHarness.Check("aten::std", [x, ConstArg.Bool(false)], rng));
                foreach (var dims in DimLists(shape.Length))
                {
                    Assert.True(LoweringHarness.Check("aten::var.dim", [x, ConstArg.Ints(dims), ConstArg.Bool(true), ConstArg.Bool(true)], rng));
                    Assert.True(LoweringHarness.Check("aten::std.dim", [x, ConstArg.Ints(dims), ConstArg.Bool(false), ConstArg.Bool(false)], rng));
                    Assert.True(LoweringHarness.Check("aten::var.correction", [x, ConstArg.Ints(dims), ConstArg.Int(2), ConstArg.Bool(false)], rng));
                    Assert.True(LoweringHarness.Check("aten::std.correction", [x, ConstArg.Ints(dims), ConstArg.None, ConstArg.Bool(true)], rng));
                    if (dims.Length > 0)
                        Assert.True(LoweringHarness.Check("aten::logsumexp", [x, ConstArg.Ints(dims), ConstArg.Bool(dims.Length == 1)], rng));
                }
            }
        }
    }

    [Fact]
    public void SoftmaxAndLogSoftmax()
    {
        var rng = new Random(71);
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Float16 })
        {
            foreach (var (shape, layout) in Shapes.Append(([], Layout.Contiguous)))
            {
                var x = new TensorArg(dtype, shape, layout);
                foreach (var dim in shape.Length == 0 ? new long[] { 0 } : [0, -1])
                {
                    Assert.True(LoweringHarness.Check("aten::softmax.int", [x, ConstArg.Int(dim), ConstArg.None], rng));
                    Assert.True(LoweringHarness.Check("aten::log_softmax.int", [x, ConstArg.Int(dim), ConstArg.None], rng));
                    if (dtype != DType.Float16)
                    {
                        Assert.True(LoweringHarness.Check("aten::_softmax", [x, ConstArg.Int(dim), ConstArg.Bool(false)], rng));
                        Assert.True(LoweringHarness.Check("aten::_log_softmax", [x, ConstArg.Int(dim), ConstArg.Bool(false)], rng));
                    }
                }
            }
        }
        // dtype converts first: an int input softmaxed as float64.
        Assert.True(LoweringHarness.Check("aten::softmax.int", [new TensorArg(DType.Float32, [3, 5]), ConstArg.Int(1), ConstArg.Int((int)DType.Float64)], rng));
    }

    [Fact]
    public void LayerNormAndGroupNorm()
    {
        var rng = new Random(73);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            foreach (var (shape, layout) in new (long[], Layout)[] { ([3, 5], Layout.Contiguous), ([2, 3, 5], Layout.Transposed), ([0, 5], Layout.Contiguous), ([4, 1], Layout.Expanded) })
            {
                var x = new TensorArg(dtype, shape, layout);
                var last = shape[^1];
                Assert.True(LoweringHarness.Check("aten::layer_norm", [x, ConstArg.Ints(last), new TensorArg(dtype, [last]), new TensorArg(dtype, [last]), ConstArg.Float(1e-5), ConstArg.Bool(true)], rng));
                Assert.True(LoweringHarness.Check("aten::layer_norm", [x, ConstArg.Ints(shape[1..]), ConstArg.None, ConstArg.None, ConstArg.Float(1e-3), ConstArg.Bool(true)], rng));
                Assert.True(LoweringHarness.Check("aten::native_layer_norm", [x, ConstArg.Ints(last), new TensorArg(dtype, [last], Layout.Transposed), ConstArg.None, ConstArg.Float(1e-5)], rng, outputs: 3));
            }
            foreach (var (shape, groups) in new (long[], long)[] { ([2, 6, 5], 3), ([3, 4], 2), ([1, 6, 2, 3], 1), ([0, 4, 3], 4) })
            {
                var c = shape[1];
                Assert.True(LoweringHarness.Check("aten::group_norm", [new TensorArg(dtype, shape, Layout.Transposed), ConstArg.Int(groups), new TensorArg(dtype, [c]), new TensorArg(dtype, [c]), ConstArg.Float(1e-5), ConstArg.Bool(true)], rng));
                Assert.True(LoweringHarness.Check("aten::group_norm", [new TensorArg(dtype, shape), ConstArg.Int(groups), ConstArg.None, ConstArg.None, ConstArg.Float(1e-5), ConstArg.Bool(true)], rng));
            }
        }
    }
}
