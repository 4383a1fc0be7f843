using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Passes;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Passes;

/// <summary>Conv + eval batch_norm folding: one conv with the folded parameters and the same results; no fold where it is unsafe.</summary>
public sealed class FoldConvBatchNormTests
{
    private sealed record Built(Graph Graph, Value ConvOut);

    private static Tensor Random(Random rng, double lo, double hi, params long[] sizes)
    {
        var t = Tensor.Empty(DType.Float32, sizes);
        for (long i = 0; i < t.NumElements; i++) t.SetDouble(i, lo + (hi - lo) * rng.NextDouble());
        return t;
    }

    /// <summary>x -> conv2d(w, b) -> batch_norm(training) [-> extra use of the conv output].</summary>
    private static Built Build(bool constantWeight = true, bool training = false, bool convUsedElsewhere = false, bool convBias = true,
        bool convRankChecked = false)
    {
        var rng = new Random(7);
        var g = new Graph();
        var x = g.AddInput("x", new TensorType { DType = DType.Float32, Sizes = [ShapeSymbol.Static(1), ShapeSymbol.Static(3), ShapeSymbol.Static(6), ShapeSymbol.Static(6)] });
        Value Const(IValue v, JitType t)
        {
            var n = g.InsertNode("prim::Constant");
            Constants.SetValue(n, v);
            n.Output().Type = t;
            return n.Output();
        }
        Value TensorConst(Tensor t) => Const(IValue.FromTensor(t), TensorType.FromTensor(t));
        var w = constantWeight ? TensorConst(Random(rng, -1, 1, 4, 3, 3, 3)) : g.AddInput("w", TensorType.Unknown);
        var b = convBias ? TensorConst(Random(rng, -1, 1, 4)) : Const(IValue.None, NoneType.Instance);
        var one = Const(IValue.FromInt(1), IntType.Instance);
        var ones = g.InsertNode("prim::ListConstruct", [one, one]).Output().SetType(ListType.OfInts);
        var conv = g.InsertNode("aten::conv2d", [x, w, b, ones, ones, ones, one]).Output();
        var bn = g.InsertNode("aten::batch_norm",
        [
            conv, TensorConst(Random(rng, 0.5, 2, 4)), TensorConst(Random(rng, -1, 1, 4)),
            TensorConst(Random(rng, -1, 1, 4)), TensorConst(Random(rng, 0.1, 3, 4)),
            Const(IValue.FromBool(training), BoolType.Instance), Const(IValue.FromDouble(0.1), FloatType.Instance),
            Const(IValue.FromDouble(1e-5), FloatType.Instance), Const(IValue.FromBool(true), BoolType.Instance),
        ]).Output();
        g.RegisterOutput(bn);
        if (convUsedElsewhere) g.RegisterOutput(conv);
        // BatchNorm2d's `_check_input_dim` reads the conv output's rank before normalizing.
        if (convRankChecked) g.RegisterOutput(g.InsertNode("aten::dim", [conv]).Output().SetType(IntType.Instance));
        g.Lint();
        return new Built(g, conv);
    }

    private static IValue[] Execute(Graph g, Tensor input)
    {
        using var cpu = new CpuBackend(Device.Cpu);
        return new Interpreter(g, cpu).Run([IValue.FromTensor(input)]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FoldsIntoOneConvWithTheSameResults(bool convBias)
    {
        var input = Random(new Random(3), -1, 1, 1, 3, 6, 6);
        var expected = Execute(Build(convBias: convBias).Graph, input)[0].AsTensor;
        var g = Build(convBias: convBias).Graph;
        Assert.True(new FoldConvBatchNorm().Run(g));
        g.Lint();
        new FileCheck().Check("aten::conv2d").CheckNot("aten::batch_norm").Run(g);
        var actual = Execute(g, input)[0].AsTensor;
        ValueAssert.TensorClose(expected, actual, 1e-5, 1e-5, "folded conv");
    }

    [Fact]
    public void DoesNotFireOnNonConstantWeights()
    {
        var g = Build(constantWeight: false).Graph;
        Assert.False(new FoldConvBatchNorm().Run(g));
        new FileCheck().Check("aten::batch_norm").Run(g);
    }

    [Fact]
    public void DoesNotFireInTraining()
    {
        var g = Build(training: true).Graph;
        Assert.False(new FoldConvBatchNorm().Run(g));
        new FileCheck().Check("aten::batch_norm").Run(g);
    }

    [Fact]
    public void DoesNotFireWhenTheConvOutputIsUsedElsewhere()
    {
        var g = Build(convUsedElsewhere: true).Graph;
        Assert.False(new FoldConvBatchNorm().Run(g));
        new FileCheck().Check("aten::batch_norm").Run(g);
    }

    [Fact]
    public void FiresWhenTheConvOutputIsOnlyAlsoAskedForItsRank()
    {
        var input = Random(new Random(5), -1, 1, 1, 3, 6, 6);
        var expected = Execute(Build(convRankChecked: true).Graph, input);
        var g = Build(convRankChecked: true).Graph;
        Assert.True(new FoldConvBatchNorm().Run(g));
        g.Lint();
        new FileCheck().Check("aten::conv2d").CheckNot("aten::batch_norm").Check("aten::dim").Run(g);
        var actual = Execute(g, input);
        ValueAssert.TensorClose(expected[0].AsTensor, actual[0].AsTensor, 1e-5, 1e-5, "folded conv");
        Assert.Equal(expected[1].AsInt, actual[1].AsInt);
    }
}
