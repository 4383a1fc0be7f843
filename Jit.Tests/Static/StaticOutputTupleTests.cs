using Jit.Modules;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Models;
using Xunit;

namespace Jit.Tests.Static;

/// <summary>
/// A tuple the graph returns is gathered at the return: a caller's tuple lends its tensors as
/// destinations and comes back itself when it holds the results (tuple_out returns
/// <c>(softmax, contiguous, int)</c>).
/// </summary>
public sealed class StaticOutputTupleTests
{
    private static (CompiledModule Compiled, IValue[] Inputs, IValueTuple Expected) TupleOut()
    {
        var f = ModelFixture.Get("tuple_out");
        var module = JitModule.Load(f.ModelPath);
        var inputs = f.Inputs(module);
        var compiled = StaticFixtureTests.Compile(module);
        return (compiled, inputs, compiled.Run(inputs)[0].AsTuple);
    }

    [Theory]
    [InlineData(5L, true)]
    [InlineData(99L, false)] // not the result's int: a new tuple holding the caller's tensors
    public void TheCallersTupleReceivesTheResultsAndComesBackWhenItHoldsThem(long number, bool comesBack)
    {
        var (compiled, inputs, expected) = TupleOut();
        using var _ = compiled;
        var a = Tensor.Empty(DType.Float32, 5, 4);
        var b = Tensor.Empty(DType.Float32, 4, 5);
        var given = IValue.FromTuple(a, b, number);
        var outputs = new[] { given };
        compiled.Run(inputs, outputs);
        var result = outputs[0].AsTuple;
        Assert.Equal(comesBack, ReferenceEquals(given.AsTuple, result));
        Assert.Same(a, result[0].AsTensor);
        Assert.Same(b, result[1].AsTensor);
        Assert.Equal(5L, result[2].AsInt);
        Assert.Equal(expected[0].AsTensor.ToDoubleArray(), a.ToDoubleArray());
        Assert.Equal(expected[1].AsTensor.ToDoubleArray(), b.ToDoubleArray());
    }

    [Fact]
    public void AWrongTensorInTheTupleIsAClearError()
    {
        var (compiled, inputs, _) = TupleOut();
        using var __ = compiled;
        var outputs = new[] { IValue.FromTuple(Tensor.Empty(DType.Float32, 5, 4), Tensor.Empty(DType.Float32, 5, 4), 5L) };
        var e = Assert.Throws<Errors.JitShapeException>(() => compiled.Run(inputs, outputs));
        Assert.Contains("output 0 item 1", e.Message);
        Assert.Contains("[4, 5]", e.Message);
    }
}
