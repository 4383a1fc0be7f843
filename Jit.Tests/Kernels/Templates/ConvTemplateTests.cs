using Jit.Runtime;
using Jit.Tensors;
using Xunit;
using static Jit.Tests.Kernels.Templates.TemplateData;

namespace Jit.Tests.Kernels.Templates;

public sealed class ConvTemplateTests
{
    /// <summary>(input, weight, stride, padding, dilation, groups).</summary>
    public static TheoryData<long[], long[], long[], long[], long[], long> Geometries => new()
    {
        { [2, 3, 4, 4], [3, 3, 3, 3], [1, 1], [1, 1], [1, 1], 1 },
        { [1, 4, 6, 5], [4, 2, 3, 2], [2, 1], [1, 0], [1, 2], 2 },
        { [1, 3, 4, 4], [3, 1, 3, 3], [1, 2], [2, 1], [2, 1], 3 },      // depthwise, dilated
        { [2, 2, 3, 3], [1, 2, 1, 1], [1, 1], [0, 0], [1, 1], 1 },      // 1x1
        { [1, 1, 1, 1], [2, 1, 1, 1], [3, 3], [0, 0], [1, 1], 1 },      // size-1 everything
        { [3, 5, 5], [2, 3, 2, 2], [2, 2], [1, 1], [1, 1], 1 },          // unbatched
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Conv2dMatchesCpu(long[] x, long[] w, long[] stride, long[] padding, long[] dilation, long groups)
    {
        var rng = new Random(51);
        var h = new TemplateHarness();
        var bias = Random(rng, DType.Float32, [w[0]]);
        h.Check("aten::conv2d", Random(rng, DType.Float32, x), Random(rng, DType.Float32, w), bias,
            Ints(stride), Ints(padding), Ints(dilation), groups);
        h.Check("aten::conv2d", Random(rng, DType.Float32, x, TensorLayout.Transposed), Random(rng, DType.Float32, w, TensorLayout.Offset), IValue.None,
            Ints(stride), Ints(padding), Ints(dilation), groups);
        h.Check("aten::conv2d", Random(rng, DType.Float64, x, TensorLayout.Expanded), Random(rng, DType.Float64, w, TensorLayout.Expanded),
            Random(rng, DType.Float64, [w[0]], TensorLayout.Offset), Ints(stride), Ints(padding), Ints(dilation), groups);
    }

    [Fact]
    public void IntegerAndSingleValueArguments()
    {
        var rng = new Random(52);
        var h = new TemplateHarness();
        h.Check("aten::conv2d", Random(rng, DType.Int64, [1, 2, 4, 4]), Random(rng, DType.Int64, [2, 2, 2, 2]), Random(rng, DType.Int64, [2]), Ints(1), Ints(1), Ints(1), 1L);
        h.Check("aten::conv2d", Random(rng, DType.Float32, [1, 2, 4, 4]), Random(rng, DType.Float32, [2, 2, 3, 3]));
    }

    [Fact]
    public void HalfTypesAccumulateInFloat32()
    {
        var rng = new Random(57);
        var h = new TemplateHarness();
        h.Check("aten::conv2d", Random(rng, DType.Float16, [1, 2, 3, 3]), Random(rng, DType.Float16, [2, 1, 2, 2]), Random(rng, DType.Float16, [2]), Ints(1), Ints(1), Ints(1), 2L);
        h.Check("aten::cudnn_convolution_relu", Random(rng, DType.BFloat16, [1, 2, 3, 3]), Random(rng, DType.BFloat16, [2, 2, 2, 2]), IValue.None, Ints(1), Ints(0), Ints(1), 1L);
        h.Check("aten::conv2d", Random(rng, DType.Int8, [1, 2, 3, 3]), Random(rng, DType.Int8, [2, 2, 2, 2]));
    }

    [Fact]
    public void StringPadding()
    {
        var rng = new Random(58);
        var h = new TemplateHarness();
        h.Check("aten::conv2d.padding", Random(rng, DType.Float32, [1, 2, 4, 3]), Random(rng, DType.Float32, [2, 2, 2, 2]), IValue.None, Ints(1), "valid");
        TemplateHarness.Declines("aten::conv2d.padding", Random(rng, DType.Float32, [1, 2, 4, 3]), Random(rng, DType.Float32, [2, 2, 2, 2]), IValue.None, Ints(1), "same");
    }

    [Fact]
    public void ConvolutionOverloads()
    {
        var rng = new Random(53);
        var h = new TemplateHarness();
        var x = Random(rng, DType.Float32, [1, 4, 5, 4]);
        var w = Random(rng, DType.Float32, [2, 2, 3, 3]);
        var b = Random(rng, DType.Float32, [2]);
        IValue[] tail = [Ints(1, 2), Ints(1, 1), Ints(1, 1), false, Ints(0, 0), 2L];
        h.Check("aten::convolution", [x, w, b, .. tail]);
        h.Check("aten::_convolution", [x, w, b, .. tail, false, false, true, true]);
        h.Check("aten::_convolution.deprecated", [x, w, IValue.None, .. tail, false, false, true]);
        TemplateHarness.Declines("aten::convolution", [x, w, b, Ints(1, 2), Ints(1, 1), Ints(1, 1), true, Ints(0, 0), 2L]);
        TemplateHarness.Declines("aten::convolution", [Random(rng, DType.Float32, [1, 4, 5]), Random(rng, DType.Float32, [2, 4, 3]), b, Ints(1), Ints(0), Ints(1), false, Ints(0), 1L]);
    }

    [Fact]
    public void FusedConvRelu()
    {
        var rng = new Random(54);
        var h = new TemplateHarness();
        var x = Random(rng, DType.Float32, [2, 2, 4, 4], TensorLayout.Offset);
        var w = Random(rng, DType.Float32, [3, 2, 3, 3]);
        var b = Random(rng, DType.Float32, [3]);
        h.Check("aten::cudnn_convolution_relu", x, w, b, Ints(1, 1), Ints(1, 1), Ints(1, 1), 1L);
        h.Check("aten::cudnn_convolution_relu", x, w, IValue.None, Ints(2, 1), Ints(0, 1), Ints(1, 1), 1L);
        var z = Random(rng, DType.Float32, [2, 3, 4, 4], TensorLayout.Transposed);
        h.Check("aten::cudnn_convolution_add_relu", x, w, z, IValue.None, b, Ints(1, 1), Ints(1, 1), Ints(1, 1), 1L);
        h.Check("aten::cudnn_convolution_add_relu", x, w, z, 0.5, IValue.None, Ints(1, 1), Ints(1, 1), Ints(1, 1), 1L);
        TemplateHarness.Declines("aten::cudnn_convolution_add_relu", x, w, Random(rng, DType.Float32, [2, 3, 2, 2]), 1L, b, Ints(1, 1), Ints(1, 1), Ints(1, 1), 1L);
    }

    [Fact]
    public void OneKernelServesEverySize()
    {
        var rng = new Random(55);
        var h = new TemplateHarness();
        var a = h.Check("aten::conv2d", Random(rng, DType.Float32, [1, 2, 5, 5]), Random(rng, DType.Float32, [2, 1, 3, 3]), Random(rng, DType.Float32, [2]), Ints(2), Ints(1), Ints(1), 2L);
        var b = h.Check("aten::conv2d", Random(rng, DType.Float32, [2, 4, 4, 6]), Random(rng, DType.Float32, [6, 2, 2, 1]), Random(rng, DType.Float32, [6]), Ints(2), Ints(1), Ints(1), 2L);
        Assert.Equal(a.Kernel, b.Kernel);
        Assert.Equal(a.CacheKey, b.CacheKey);
    }

    [Fact]
    public void DeclinesInvalidGeometry()
    {
        var rng = new Random(56);
        var x = Random(rng, DType.Float32, [1, 4, 3, 3]);
        TemplateHarness.Declines("aten::conv2d", x, Random(rng, DType.Float32, [2, 3, 3, 3]));                      // channels
        TemplateHarness.Declines("aten::conv2d", x, Random(rng, DType.Float32, [2, 4, 4, 4]));                      // kernel too large
        TemplateHarness.Declines("aten::conv2d", x, Random(rng, DType.Float32, [3, 2, 1, 1]), IValue.None, Ints(1), Ints(0), Ints(1), 2L); // groups
        TemplateHarness.Declines("aten::conv2d", x, Random(rng, DType.Float32, [2, 4, 1, 1]), IValue.None, Ints(0), Ints(0), Ints(1), 1L); // stride 0
        TemplateHarness.Declines("aten::conv2d", x, Random(rng, DType.Float64, [2, 4, 1, 1]));                      // dtypes
    }
}
