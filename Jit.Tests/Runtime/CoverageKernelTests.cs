using Jit.Backends.Cpu;
using Jit.Errors;
using Jit.Ir;
using Jit.Ops;
using Jit.Runtime;
using Jit.Runtime.Host;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Runtime;

/// <summary>
/// The coverage kernels the PyTorch fixtures cannot check: dict builtins (the case format has no
/// dicts), rand/randn (values differ from PyTorch's generator by design), new_empty (uninitialised
/// in PyTorch), and the ops taken out of the table.
/// </summary>
public sealed class CoverageKernelTests
{
    private static IValue Run(KernelTable table, string op, params IValue[] inputs)
    {
        Assert.True(table.TryGet(op, out var kernel), $"no kernel for {op}");
        var o = new IValue[1];
        kernel(inputs, o);
        return o[0];
    }

    private static IValue Host(string op, params IValue[] inputs) => Run(HostKernels.Table, op, inputs);

    private static IValue Cpu(string op, params IValue[] inputs) => Run(new CpuBackend(Device.Cpu).Kernels, op, inputs);

    private static IValueDict Dict(params (string Key, long Value)[] entries)
    {
        var d = new IValueDict(StringType.Instance, IntType.Instance);
        foreach (var (k, v) in entries) d.Set(k, v);
        return d;
    }

    [Fact]
    public void DictItemsCopyGetPopFollowPython()
    {
        var d = Dict(("a", 1), ("b", 2));
        var items = Host("aten::items.str", IValue.FromDict(d)).AsList;
        Assert.Equal(["('a', 1)", "('b', 2)"], items.Items.Select(x => $"('{x.AsTuple[0].AsString}', {x.AsTuple[1].AsInt})"));

        var copy = Host("aten::copy.Dict_str", IValue.FromDict(d)).AsDict;
        copy.Set("c", 3L);
        Assert.Equal(2, d.Entries.Count); // a shallow copy: the original keeps its entries

        Assert.Equal(2, Host("aten::get.default_str", IValue.FromDict(d), "b", 9L).AsInt);
        Assert.Equal(9, Host("aten::get.default_str", IValue.FromDict(d), "z", 9L).AsInt);

        Assert.Equal(1, Host("aten::pop.Dict_str", IValue.FromDict(d), "a").AsInt);
        Assert.Single(d.Entries);
        Assert.Equal(5, Host("aten::pop.Dict_default_str", IValue.FromDict(d), "a", 5L).AsInt);
        Assert.Throws<JitRuntimeException>(() => Host("aten::pop.Dict_str", IValue.FromDict(d), "a"));
    }

    [Fact]
    public void DictFromPairsKeepsFirstPositionAndLastValue()
    {
        var pair = new TupleType([StringType.Instance, IntType.Instance]);
        var pairs = new IValueList(pair, [IValue.FromTuple("x", 1L), IValue.FromTuple("y", 2L), IValue.FromTuple("x", 3L)]);
        var d = Host("aten::dict.str", IValue.FromList(pairs)).AsDict;
        Assert.Equal(["x", "y"], d.Entries.Select(e => e.Key.AsString));
        Assert.Equal(3, d.Entries[0].Value.AsInt);
        Assert.Equal(StringType.Instance, d.KeyType);
    }

    [Fact]
    public void RandomOpsAreSeededAndHaveTheirDistributions()
    {
        var size = IValue.FromList(new IValueList(IntType.Instance, [IValue.FromInt(4000)]));
        CpuBackend.ManualSeed(7);
        var a = Cpu("aten::rand", size, IValue.None, IValue.None, IValue.None, IValue.None).AsTensor.ToDoubleArray();
        CpuBackend.ManualSeed(7);
        var b = Cpu("aten::rand", size, IValue.None, IValue.None, IValue.None, IValue.None).AsTensor.ToDoubleArray();
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.InRange(v, 0, 1 - 1e-12));
        Assert.InRange(a.Average(), 0.45, 0.55);

        var n = Cpu("aten::randn", size, (long)DType.Float64, IValue.None, IValue.None, IValue.None).AsTensor;
        Assert.Equal(DType.Float64, n.DType);
        var v = n.ToDoubleArray();
        double mean = v.Average(), var = v.Select(x => (x - mean) * (x - mean)).Average();
        Assert.InRange(mean, -0.1, 0.1);
        Assert.InRange(var, 0.9, 1.1);

        var like = Cpu("aten::randn_like", Tensor.Empty(DType.Float16, 3, 5), IValue.None, IValue.None, IValue.None, IValue.None, IValue.None).AsTensor;
        Assert.Equal(DType.Float16, like.DType);
        Assert.Equal([3L, 5L], like.SizesArray());
        Assert.Throws<JitTypeException>(() => Cpu("aten::rand_like", Tensor.Empty(DType.Int64, 2), IValue.None, IValue.None, IValue.None, IValue.None, IValue.None));
    }

    [Fact]
    public void NewEmptyIsZeroFilledWithSelfsDType()
    {
        var size = IValue.FromList(new IValueList(IntType.Instance, [IValue.FromInt(2), IValue.FromInt(3)]));
        var r = Cpu("aten::new_empty", Tensor.Scalar(1.5, DType.Float64), size, IValue.None, IValue.None, IValue.None, IValue.None).AsTensor;
        Assert.Equal(DType.Float64, r.DType);
        Assert.All(r.ToDoubleArray(), x => Assert.Equal(0, x));
    }

    [Fact]
    public void TrainingModeDropoutIsRefused()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3 }, 3);
        Assert.Throws<JitRuntimeException>(() => Cpu("aten::dropout_", x, 0.5, true));
        Assert.Throws<JitRuntimeException>(() => Cpu("aten::alpha_dropout", x, 0.5, true));
    }

    [Theory]
    [InlineData("aten::conv3d")] // the im2col convolution handles 1-D and 2-D only
    [InlineData("prim::Enter")] // `with` blocks need __enter__/__exit__ method calls
    [InlineData("prim::Exit")]
    [InlineData("aten::eq.enum")] // the runtime has no enum values
    [InlineData("aten::ne.enum")]
    public void OpsWithoutAKernelAreNotRegistered(string op)
    {
        Assert.Null(OpRegistry.Default.Find(op));
        Assert.Throws<JitSchemaException>(() => OpRegistry.Default.Get(op));
    }
}
