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
    public void BernoulliUniformNormalAndRandintHaveTheirDistributionsAndChecks()
    {
        CpuBackend.ManualSeed(11);
        var x = Tensor.Empty(DType.Float32, 200, 100);
        Assert.Same(x, Cpu("aten::bernoulli_.float", x, 0.3, IValue.None).AsTensor);
        var b = x.ToDoubleArray();
        Assert.All(b, v => Assert.True(v is 0 or 1));
        Assert.InRange(b.Average(), 0.28, 0.32);
        // Probabilities of exactly 0 and 1 are certain; the result keeps self's dtype.
        var p = Tensor.FromArray(new double[] { 0, 1, 0, 1 }, 4);
        Assert.Equal([0d, 1, 0, 1], Cpu("aten::bernoulli", p, IValue.None).AsTensor.ToDoubleArray());
        var ints = Cpu("aten::bernoulli.p", Tensor.Empty(DType.Int64, 1000), 0.5, IValue.None).AsTensor;
        Assert.Equal(DType.Int64, ints.DType);
        Assert.InRange(ints.ToDoubleArray().Average(), 0.42, 0.58);
        // A tensor of probabilities broadcast over self, written into a strided view.
        var view = Tensor.Empty(DType.Float64, 3, 4).AsStrided([4, 3], [1, 4]);
        Cpu("aten::bernoulli_.Tensor", view, Tensor.FromArray(new double[] { 1, 0, 1 }, 3), IValue.None);
        Assert.Equal([1d, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1], view.ToDoubleArray());
        var e = Assert.Throws<JitRuntimeException>(() => Cpu("aten::bernoulli_.float", x, 1.5, IValue.None));
        Assert.Contains("expects p to be in [0, 1], but got p=1.5", e.Message);

        var u = Tensor.Empty(DType.Float64, 20000);
        Cpu("aten::uniform_", u, -2.0, 3.0, IValue.None);
        Assert.All(u.ToDoubleArray(), v => Assert.InRange(v, -2, 3));
        Assert.InRange(u.ToDoubleArray().Average(), 0.4, 0.6);
        Cpu("aten::normal_", u, 1.0, 2.0, IValue.None);
        var n = u.ToDoubleArray();
        double mean = n.Average(), sd = Math.Sqrt(n.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, 0.9, 1.1);
        Assert.InRange(sd, 1.9, 2.1);
        Assert.Throws<JitRuntimeException>(() => Cpu("aten::normal_", u, 0.0, -1.0, IValue.None));

        var size = IValue.FromList(new IValueList(IntType.Instance, [IValue.FromInt(5000)]));
        var r = Cpu("aten::randint.low", 3L, 10L, size, IValue.None, IValue.None, IValue.None, IValue.None).AsTensor;
        Assert.Equal(DType.Int64, r.DType);
        Assert.Equal(Enumerable.Range(3, 7).Select(i => (double)i), r.ToDoubleArray().Distinct().Order());
        Assert.Throws<JitRuntimeException>(() => Cpu("aten::randint", 0L, size, IValue.None, IValue.None, IValue.None, IValue.None));
    }

    [Fact]
    public void ABernoulliOnATrainingOnlyBranchNeverRunsInAnEvalPlan()
    {
        // Stochastic depth as torchvision scripts it: the sampling sits under `if self.training`.
        var graph = Graph.Parse("""
            graph(%x : Float(2, 3)):
              %training : bool = prim::Constant[value=0]()
              %p : float = prim::Constant[value=0.8]()
              %none : NoneType = prim::Constant()
              %y : Tensor = prim::If(%training)
                block0():
                  %noise : Tensor = aten::empty_like(%x, %none, %none, %none, %none, %none)
                  %kept : Tensor = aten::bernoulli_(%noise, %p, %none)
                  %z : Tensor = aten::mul(%x, %kept)
                  -> (%z)
                block1():
                  -> (%x)
              return (%y)
            """);
        using var cpu = new CpuBackend(Device.Cpu);
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        using var compiled = Jit.Modules.CompiledModule.Create(graph, cpu);
        Assert.Equal(x.ToDoubleArray(), compiled.Forward(x).AsTensor.ToDoubleArray());
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
