using Jit.Backends.Cpu;
using Jit.Errors;
using Jit.Ir;
using Jit.Runtime;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Kernels;

/// <summary>Bad inputs to the CPU math kernels raise JitException subtypes whose messages name the op (and the shapes).</summary>
public sealed class MathKernelErrorTests
{
    private static readonly KernelTable Kernels = new CpuBackend(Device.Cpu).Kernels;

    private static IValue[] Run(string op, params IValue[] inputs)
    {
        Assert.True(Kernels.TryGet(op, out var kernel), $"no CPU kernel for {op}");
        var outputs = new IValue[3];
        kernel(inputs, outputs);
        return outputs;
    }

    private static T Throws<T>(string op, params IValue[] inputs) where T : JitException
    {
        var e = Record.Exception(() => Run(op, inputs));
        Assert.NotNull(e);
        return Assert.IsType<T>(e);
    }

    private static Tensor F(params long[] shape)
    {
        var t = Tensor.Empty(DType.Float32, shape);
        for (long i = 0; i < t.NumElements; i++) t.SetDouble(i, i % 7 - 3.5);
        return t;
    }

    private static Tensor I(long[] values, params long[] shape) => Tensor.FromArray(values, shape.Length == 0 ? [values.Length] : shape);

    private static IValue Ints(params long[] v) =>
        IValue.FromList(new IValueList(IntType.Instance, v.Select(IValue.FromInt).ToList()));

    [Theory]
    [InlineData("aten::add.Tensor")]
    [InlineData("aten::mul.Tensor")]
    [InlineData("aten::eq.Tensor")]
    [InlineData("aten::maximum")]
    public void BroadcastMismatchNamesOpAndShapes(string op)
    {
        var inputs = op == "aten::add.Tensor" ? new IValue[] { F(2, 3), F(4), 1L } : [F(2, 3), F(4)];
        var e = Throws<JitShapeException>(op, inputs);
        string name = op.Split("::")[1].Split('.')[0];
        Assert.Contains(name, e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[4]", e.Message);
    }

    [Fact]
    public void WhereAndClampBroadcastMismatch()
    {
        var cond = Tensor.Empty(DType.Bool, 5);
        Assert.Contains("where", Throws<JitShapeException>("aten::where.self", cond, F(2, 3), F(3)).Message);
        Assert.Contains("[2, 3]", Throws<JitShapeException>("aten::clamp.Tensor", F(2, 3), F(4), IValue.None).Message);
    }

    [Theory]
    [InlineData("aten::div.Tensor_mode", "trunc")]
    [InlineData("aten::div.Tensor_mode", "floor")]
    [InlineData("aten::floor_divide", null)]
    [InlineData("aten::remainder.Tensor", null)]
    public void IntegerDivisionByZeroIsZeroDivisionError(string op, string? mode)
    {
        var a = I([5, -3, 7]);
        var b = I([1, 0, 2]);
        var e = mode == null ? Throws<JitRuntimeException>(op, a, b) : Throws<JitRuntimeException>(op, a, b, mode);
        Assert.Contains("ZeroDivisionError", e.Message);
    }

    [Fact]
    public void FloatDivisionByZeroGivesInfinity()
    {
        var r = Run("aten::div.Tensor", F(2), Tensor.Scalar(0.0)).First().AsTensor;
        Assert.True(double.IsInfinity(r.GetDouble(0)));
        var q = Run("aten::remainder.Scalar", I([5, -3]), 0.0)[0].AsTensor;
        Assert.True(double.IsNaN(q.GetDouble(0)));
    }

    [Fact]
    public void WrongDTypesNameTheOpAndDType()
    {
        Assert.Contains("'Float'", Throws<JitTypeException>("aten::bitwise_and.Tensor", F(3), F(3)).Message);
        Assert.Contains("gelu", Throws<JitTypeException>("aten::gelu", I([1, 2]), "none").Message);
        Assert.Contains("mean", Throws<JitTypeException>("aten::mean", I([1, 2]), IValue.None).Message);
        Assert.Contains("sub", Throws<JitTypeException>("aten::sub.Tensor", Tensor.Empty(DType.Bool, 2), Tensor.Empty(DType.Bool, 2), 1L).Message);
        Assert.Contains("neg", Throws<JitTypeException>("aten::neg", Tensor.Empty(DType.Bool, 2)).Message);
        Assert.Contains("var", Throws<JitTypeException>("aten::var", I([1, 2]), true).Message);
        Assert.Contains("softmax", Throws<JitTypeException>("aten::softmax.int", I([1, 2]), 0L, IValue.None).Message);
        Assert.Contains("alpha", Throws<JitTypeException>("aten::add.Tensor", I([1, 2]), I([1, 2]), 0.5).Message);
        Assert.Contains("masked_fill", Throws<JitTypeException>("aten::masked_fill.Scalar", F(2), I([1, 0]), 1L).Message);
        Assert.Contains("where", Throws<JitTypeException>("aten::where.self", F(2), F(2), F(2)).Message);
        Assert.Contains("pow", Throws<JitRuntimeException>("aten::pow.Tensor_Scalar", I([2, 3]), -1L).Message);
        Assert.Contains("dtype code", Throws<JitTypeException>("aten::to.dtype", F(2), 99L, false, false, IValue.None).Message);
    }

    [Theory]
    [InlineData("aten::sum.dim_IntList")]
    [InlineData("aten::mean.dim")]
    public void BadReductionDim(string op)
    {
        var e = Throws<JitShapeException>(op, F(2, 3), Ints(2), false, IValue.None);
        Assert.Contains(op.Split("::")[1].Split('.')[0], e.Message);
        Assert.Contains("out of range", e.Message);
        Assert.Contains("multiple times", Throws<JitRuntimeException>(op, F(2, 3), Ints(1, -1), false, IValue.None).Message);
    }

    [Fact]
    public void BadDimsInOtherOps()
    {
        Assert.Contains("softmax", Throws<JitShapeException>("aten::softmax.int", F(2, 3), 5L, IValue.None).Message);
        Assert.Contains("max", Throws<JitShapeException>("aten::max.dim", F(2, 3), -3L, false).Message);
        Assert.Contains("cumsum", Throws<JitShapeException>("aten::cumsum", F(2, 3), 2L, IValue.None).Message);
        Assert.Contains("argmax", Throws<JitShapeException>("aten::argmax", F(4), 1L, false).Message);
    }

    [Fact]
    public void EmptyReductionsWithoutIdentityThrow()
    {
        Assert.Contains("max", Throws<JitRuntimeException>("aten::max", F(0, 3)).Message);
        Assert.Contains("[0, 3]", Throws<JitRuntimeException>("aten::amin", F(0, 3), Ints(0), false).Message);
        Assert.Contains("argmax", Throws<JitRuntimeException>("aten::argmax", F(0), IValue.None, false).Message);
        // Sums have an identity: the sum of nothing is 0, the product 1.
        Assert.Equal(0.0, Run("aten::sum", F(0, 3), IValue.None)[0].AsTensor.GetDouble(0));
        Assert.Equal(1.0, Run("aten::prod", F(0), IValue.None)[0].AsTensor.GetDouble(0));
    }

    [Fact]
    public void InPlaceResultMustFitSelf()
    {
        var e = Throws<JitTypeException>("aten::add_.Tensor", I([1, 2]), F(2), 1L);
        Assert.Contains("can't be cast", e.Message);
        var s = Throws<JitShapeException>("aten::mul_.Tensor", F(3), F(2, 3));
        Assert.Contains("[3]", s.Message);
        Assert.Contains("[2, 3]", s.Message);
        Assert.Contains("sqrt_", Throws<JitTypeException>("aten::sqrt_", I([4, 9])).Message);
    }

    [Fact]
    public void NormalizationShapeErrorsNameShapes()
    {
        var e = Throws<JitShapeException>("aten::layer_norm", F(2, 3), Ints(4), IValue.None, IValue.None, 1e-5, true);
        Assert.Contains("[4]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("num_groups", Throws<JitShapeException>("aten::group_norm", F(2, 6, 2), 4L, IValue.None, IValue.None, 1e-5, true).Message);
        Assert.Contains("running_mean", Throws<JitRuntimeException>("aten::batch_norm",
            F(2, 3), IValue.None, IValue.None, IValue.None, IValue.None, false, 0.1, 1e-5, true).Message);
        Assert.Contains("weight", Throws<JitShapeException>("aten::batch_norm",
            F(2, 3), F(4), IValue.None, F(3), F(3), false, 0.1, 1e-5, true).Message);
        Assert.Contains("0-dimensional", Throws<JitShapeException>("aten::masked_fill.Tensor", F(2), Tensor.Empty(DType.Bool, 2), F(1)).Message);
    }

    [Fact]
    public void DropoutInTrainingModeIsRejected()
    {
        var e = Throws<JitRuntimeException>("aten::dropout", F(2), 0.5, true);
        Assert.Contains("training", e.Message);
        var x = F(2);
        Assert.Same(x, Run("aten::feature_dropout", x, 0.5, false)[0].AsTensor);
    }

    [Fact]
    public void CastsOnTheCpuBackend()
    {
        Assert.Contains("cuda", Throws<JitRuntimeException>("aten::to.device",
            F(2), IValue.FromDevice(Device.Parse("cuda:0")), 6L, false, false, IValue.None).Message);
        var x = F(3);
        // Same dtype without copy returns self; prim_other/prim_dtype(None) keep the dtype (as TorchScript does).
        Assert.Same(x, Run("aten::to.dtype", x, 6L, false, false, IValue.None)[0].AsTensor);
        var c = Run("aten::to.prim_other", x, false, true)[0].AsTensor;
        Assert.NotSame(x, c);
        Assert.Equal(DType.Float32, c.DType);
        Assert.Equal(DType.Float32, Run("aten::to.prim_dtype", x, IValue.None, false, false)[0].AsTensor.DType);
        // Float to int truncates toward zero like C; to bool is != 0.
        var t = Run("aten::to.dtype", Tensor.FromArray([-2.7f, 0.5f, 0f], 3), 4L, false, false, IValue.None)[0].AsTensor;
        Assert.Equal([-2L, 0, 0], t.ToLongArray());
        var b = Run("aten::to.dtype", Tensor.FromArray([-2.7f, 0.5f, 0f], 3), 11L, false, false, IValue.None)[0].AsTensor;
        Assert.Equal([1L, 1, 0], b.ToLongArray());
    }

    [Fact]
    public void InvalidModesAreRejected()
    {
        Assert.Contains("rounding_mode", Throws<JitRuntimeException>("aten::div.Tensor_mode", F(2), F(2), "round").Message);
        Assert.Contains("approximate", Throws<JitRuntimeException>("aten::gelu", F(2), "fast").Message);
        Assert.Contains("min", Throws<JitRuntimeException>("aten::clamp", F(2), IValue.None, IValue.None).Message);
    }

    [Fact]
    public void WrongArgumentKindsAreTypeErrors()
    {
        Assert.IsType<JitTypeException>(Record.Exception(() => Run("aten::relu", 3L)));
        Assert.IsType<JitTypeException>(Record.Exception(() => Run("aten::add.Scalar", F(2), "x", 1L)));
        Assert.IsType<JitTypeException>(Record.Exception(() => Run("aten::sum.dim_IntList", F(2), "dims", false, IValue.None)));
    }
}
