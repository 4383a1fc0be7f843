using Jit.Errors;
using Jit.Ir;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;
using static Jit.Tests.Kernels.ShapeTestValues;

namespace Jit.Tests.Kernels;

/// <summary>Bad inputs to shape, matmul and conv kernels raise JitException subtypes that name the op and the shapes.</summary>
public sealed class ShapeKernelErrorTests
{
    private static IValue[] Run(string op, int outputs, params IValue[] inputs)
    {
        Assert.True(CpuKernels.TryGet(op, out var kernel), $"no kernel {op}");
        var o = new IValue[outputs];
        kernel(inputs, o);
        return o;
    }

    private static IValue List(params Tensor[] v) => IValue.FromList(new IValueList(TensorType.Unknown, v.Select(IValue.FromTensor).ToList()));
    private static Tensor T(params long[] sizes) => Tensor.Empty(DType.Float32, sizes);

    private static void Throws<TException>(Action a, params string[] fragments) where TException : JitException
    {
        var e = Assert.Throws<TException>(a);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
    }

    [Fact]
    public void ViewOfTransposedTensorAsOneDimNamesBothShapes() =>
        Throws<JitShapeException>(() => Run("aten::view", 1, Transposed(T(3, 4)), Ints(12)), "aten::view", "[12]", "[4, 3]");

    [Fact]
    public void ViewWithWrongElementCountNamesBothShapes() =>
        Throws<JitShapeException>(() => Run("aten::view", 1, T(2, 3), Ints(4, -1)), "aten::view", "[4, -1]", "[2, 3]");

    [Fact]
    public void CatOfMismatchedShapesNamesBothShapes() =>
        Throws<JitShapeException>(() => Run("aten::cat", 1, List(T(2, 3), T(2, 4)), 0L), "aten::cat", "[2, 3]", "[2, 4]");

    [Fact]
    public void StackOfMismatchedShapesNamesBothShapes() =>
        Throws<JitShapeException>(() => Run("aten::stack", 1, List(T(2, 3), T(3, 2)), 0L), "aten::stack", "[2, 3]", "[3, 2]");

    [Fact]
    public void MatmulShapeMismatchNamesBothShapes()
    {
        Throws<JitShapeException>(() => Run("aten::matmul", 1, T(2, 3), T(4, 5)), "aten::matmul", "2x3", "4x5");
        Throws<JitShapeException>(() => Run("aten::matmul", 1, T(2, 2, 3), T(2, 4, 5)), "aten::matmul", "[2, 2, 3]", "[2, 4, 5]");
        Throws<JitShapeException>(() => Run("aten::matmul", 1, T(3, 2, 3), T(2, 3, 5)), "aten::matmul", "[3]", "[2]");
        Throws<JitShapeException>(() => Run("aten::bmm", 1, T(2, 2, 3), T(3, 3, 5)), "aten::bmm", "[2, 2, 3]", "[3, 3, 5]");
        Throws<JitShapeException>(() => Run("aten::linear", 1, T(4, 3), T(5, 2), IValue.None), "aten::linear", "[4, 3]", "[5, 2]");
    }

    [Fact]
    public void MatmulDTypeMismatchIsATypeError() =>
        Throws<JitTypeException>(() => Run("aten::mm", 1, T(2, 3), Tensor.Empty(DType.Float64, 3, 2)), "aten::mm", "float32", "float64");

    [Fact]
    public void ConvChannelMismatchNamesBothShapes() =>
        Throws<JitShapeException>(() => Run("aten::conv2d", 1, T(1, 4, 5, 5), T(2, 3, 3, 3), IValue.None, Ints(1, 1), Ints(0, 0), Ints(1, 1), 1L),
            "aten::conv2d", "[1, 4, 5, 5]", "[2, 3, 3, 3]");

    [Fact]
    public void ConvKernelLargerThanInputNamesBothShapes() =>
        Throws<JitShapeException>(() => Run("aten::conv2d", 1, T(1, 3, 2, 2), T(2, 3, 3, 3), IValue.None, Ints(1, 1), Ints(0, 0), Ints(1, 1), 1L),
            "aten::conv2d", "[1, 3, 2, 2]", "[2, 3, 3, 3]");

    [Fact]
    public void TransposedConvolutionIsAClearRuntimeError() =>
        Throws<JitRuntimeException>(() => Run("aten::_convolution", 1, T(1, 3, 5, 5), T(3, 2, 3, 3), IValue.None, Ints(1, 1), Ints(0, 0), Ints(1, 1),
            true, Ints(0, 0), 1L, false, false, true, true), "transposed");

    [Fact]
    public void OutOfRangeDimsAndIndicesNameTheOpAndShape()
    {
        Throws<JitShapeException>(() => Run("aten::transpose.int", 1, T(2, 3), 0L, 5L), "aten::transpose", "5");
        Throws<JitShapeException>(() => Run("aten::select.int", 1, T(3, 4), 0L, 3L), "aten::select", "[3, 4]");
        Throws<JitShapeException>(() => Run("aten::narrow", 1, T(3, 4), 1L, 2L, 3L), "aten::narrow", "[3, 4]");
        Throws<JitShapeException>(() => Run("aten::index_select", 1, T(3, 4), 0L, Tensor.FromArray(new long[] { 0, 3 })), "aten::index_select", "[3, 4]");
        Throws<JitShapeException>(() => Run("aten::gather", 1, T(3, 4), 1L, Tensor.FromArray(new long[] { 4 }, 1, 1), false), "aten::gather", "[3, 4]");
        Throws<JitShapeException>(() => Run("aten::embedding", 1, T(5, 2), Tensor.FromArray(new long[] { -1 }), -1L, false, false), "aten::embedding", "[5, 2]");
        Throws<JitShapeException>(() => Run("aten::size.int", 1, T(2), 1L), "aten::size", "1");
        Throws<JitShapeException>(() => Run("aten::expand", 1, T(2, 3), Ints(4, 3), false), "aten::expand", "[4, 3]", "[2, 3]");
        Throws<JitShapeException>(() => Run("aten::permute", 1, T(2, 3), Ints(0, 0)), "aten::permute", "[2, 3]");
        Throws<JitShapeException>(() => Run("aten::max_pool2d", 1, T(1, 1, 2, 2), Ints(3, 3), Ints(), Ints(0, 0), Ints(1, 1), false), "aten::max_pool2d", "[1, 1, 2, 2]");
    }

    /// <summary>
    /// Each fixture case with one argument replaced by a value of the wrong kind or range: the
    /// kernel either succeeds or throws a JitException, never a raw .NET exception.
    /// </summary>
    [Fact]
    public void MalformedArgumentsRaiseOnlyJitExceptions()
    {
        IValue[] replacements =
        [
            IValue.None, IValue.FromInt(-3), IValue.FromInt(1L << 40), IValue.FromInt(long.MinValue), IValue.FromDouble(double.NaN),
            IValue.FromBool(true), Ints(), Ints(-2, 3), Ints(1L << 40, 1L << 40), List(), List(T(0)), T(), T(0, 3),
            Tensor.FromArray(new long[] { long.MaxValue, -7 }), IValue.FromString("same"), IValue.FromInt(0), Ints(0),
            Ints(1L << 20, 1L << 20), Tensor.FromArray(new[] { true, false }), Transposed(T(2, 5)), Tensor.FromArray(new int[] { 1, 2, 3 }, 3, 1),
        ];
        int tried = 0;
        var failures = new List<string>();
        foreach (var c in OpCaseFile.Load("shape").DistinctBy(c => c.Op))
        {
            Assert.True(CpuKernels.TryGet(c.Op, out var kernel));
            for (int arg = 0; arg < c.Inputs.Length; arg++)
            {
                foreach (var r in replacements)
                {
                    var inputs = (IValue[])c.Inputs.Clone();
                    inputs[arg] = r;
                    try
                    {
                        kernel(inputs, new IValue[c.Outputs.Length]);
                    }
                    catch (JitException)
                    {
                    }
                    catch (Exception e)
                    {
                        failures.Add($"{c.Op} with argument {arg} = {r}: {e.GetType().Name}: {e.Message}");
                    }
                    tried++;
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(40)));
        Assert.True(tried > 1000);
    }
}
