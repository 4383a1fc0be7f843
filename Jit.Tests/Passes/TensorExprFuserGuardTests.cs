using Jit.Backends.Cpu;
using Jit.Ir;
using Jit.Passes;
using Jit.Passes.Analysis;
using Jit.Runtime;
using Jit.Tensors;
using Jit.Tests.Testing;
using Xunit;

namespace Jit.Tests.Passes;

/// <summary>The <c>prim::TypeCheck</c> guard around each fusion group, and the interpreter's fusion hook.</summary>
public sealed class TensorExprFuserGuardTests
{
    private const string Ir = """
        graph(%x : Tensor, %y : Tensor):
          %one : int = prim::Constant[value=1]()
          %a : Tensor = aten::mul(%x, %y)
          %b : Tensor = aten::add(%a, %x, %one)
          %c : Tensor = aten::relu(%b)
          return (%c)
        """;

    private static Tensor Random(DType dtype, params long[] sizes)
    {
        var rng = new Random(7);
        long n = sizes.Aggregate(1L, (p, s) => p * s);
        var values = Enumerable.Range(0, (int)n).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        return dtype == DType.Float64 ? Tensor.FromArray(values, sizes) : Tensor.FromArray(values.Select(v => (float)v).ToArray(), sizes);
    }

    private static Tensor Transposed(Tensor t) => t.AsStrided([t.Sizes[1], t.Sizes[0]], [t.Strides[1], t.Strides[0]]);

    // Fused for float32 inputs of rank 2, any sizes.
    private static Graph Fused()
    {
        var g = Graph.Parse(Ir);
        new TensorExprFuser().RunProfiled(g, [Random(DType.Float32, 3, 4), Random(DType.Float32, 3, 4)]);
        g.Lint();
        return g;
    }

    [Fact]
    public void GroupIsGuardedWithAnUnfusedFallback()
    {
        var g = Fused();
        FileCheck.Run("""
            # CHECK: graph(%x : Tensor,
            # CHECK: = prim::TypeCheck[types=[Float(SS(-1), SS(-2)), Float(SS(-3), SS(-4))]](%x, %y)
            # CHECK-NEXT: %c : Tensor = prim::If(
            # CHECK-NEXT: block0():
            # CHECK-NEXT: prim::TensorExprGroup_0(
            # CHECK-NEXT: -> (
            # CHECK-NEXT: block1():
            # CHECK-NEXT: : Tensor = aten::mul(%x, %y)
            # CHECK-NEXT: : Tensor = aten::add(
            # CHECK-NEXT: : Tensor = aten::relu(
            # CHECK-NEXT: -> (
            # CHECK-NEXT: return (%c)
            # CHECK: with prim::TensorExprGroup_0
            """, g);
    }

    private static (IValue Result, bool? GuardPassed) RunObserved(Graph g, params Tensor[] inputs)
    {
        using var cpu = new CpuBackend(Device.Cpu);
        bool? passed = null;
        var interpreter = new Interpreter(g, cpu)
        {
            Observer = (v, x) => { if (v.Node.Kind == Interpreter.TypeCheckKind && v == v.Node.Outputs[^1]) passed = x.AsBool; },
        };
        return (interpreter.Run(inputs.Select(IValue.FromTensor).ToArray())[0], passed);
    }

    private static Tensor Unfused(params Tensor[] inputs)
    {
        using var cpu = new CpuBackend(Device.Cpu);
        return new Interpreter(Graph.Parse(Ir), cpu).Run(inputs.Select(IValue.FromTensor).ToArray())[0].AsTensor;
    }

    [Theory]
    [InlineData(3)]
    [InlineData(17)]
    public void GuardPassesForTheSameDTypeAndRankAtAnyBatchSize(int batch)
    {
        var x = Random(DType.Float32, batch, 4);
        var y = Random(DType.Float32, batch, 4);
        var (result, passed) = RunObserved(Fused(), x, y);
        Assert.True(passed);
        ValueAssert.TensorClose(Unfused(x, y), result.AsTensor, 0, 0, "fused");
    }

    [Fact]
    public void GuardFailsForAnotherDTypeAndTheFallbackGivesTheSameResult()
    {
        var x = Random(DType.Float64, 5, 4);
        var y = Random(DType.Float64, 5, 4);
        var (result, passed) = RunObserved(Fused(), x, y);
        Assert.False(passed);
        Assert.Equal(DType.Float64, result.AsTensor.DType);
        ValueAssert.TensorClose(Unfused(x, y), result.AsTensor, 0, 0, "fallback");
    }

    [Fact]
    public void GuardFailsForAnotherRankAndTheFallbackAgrees()
    {
        var x3 = Random(DType.Float32, 2, 3, 4);
        var (result, passed) = RunObserved(Fused(), x3, x3);
        Assert.False(passed);
        ValueAssert.TensorClose(Unfused(x3, x3), result.AsTensor, 0, 0, "rank-3 fallback");
    }

    [Fact]
    public void GuardPassesANonContiguousInputAndTheKernelReadsItsStrides()
    {
        // The lowering binds input strides as params: a view (here a transpose) runs fused, not in the fallback.
        var t = Transposed(Random(DType.Float32, 4, 5));
        var y = Random(DType.Float32, 5, 4);
        var (result, passed) = RunObserved(Fused(), t, y);
        Assert.True(passed);
        ValueAssert.TensorClose(Unfused(t, y), result.AsTensor, 0, 0, "non-contiguous input, fused");
    }

    [Fact]
    public void GuardPassesBroadcastingSizesWhereTheSymbolsDiffer()
    {
        // %x and %y have their own symbols (broadcasting may make them differ): 1 and 6 pass.
        var x = Random(DType.Float32, 1, 4);
        var y = Random(DType.Float32, 6, 4);
        var (result, passed) = RunObserved(Fused(), x, y);
        Assert.True(passed);
        ValueAssert.TensorClose(Unfused(x, y), result.AsTensor, 0, 0, "broadcast");
    }

    [Fact]
    public void TypeGuardChecksStaticSizesAndRecordedStrides()
    {
        var staticType = new TensorType { DType = DType.Float32, Sizes = [ShapeSymbol.Static(2), ShapeSymbol.Symbol(1)] };
        Assert.True(TypeGuard.Check([Random(DType.Float32, 2, 9)], [staticType], Device.Cpu));
        Assert.False(TypeGuard.Check([Random(DType.Float32, 3, 9)], [staticType], Device.Cpu));
        Assert.False(TypeGuard.Check([IValue.None], [staticType], Device.Cpu));
        Assert.False(TypeGuard.Check([Random(DType.Float64, 2, 9)], [staticType], Device.Cpu));
        // One symbol is one size across all checked inputs.
        var shared = new TensorType { DType = DType.Float32, Sizes = [ShapeSymbol.Symbol(1)] };
        Assert.True(TypeGuard.Check([Random(DType.Float32, 5), Random(DType.Float32, 5)], [shared, shared], Device.Cpu));
        Assert.False(TypeGuard.Check([Random(DType.Float32, 5), Random(DType.Float32, 6)], [shared, shared], Device.Cpu));
        var strided = TensorType.Create(DType.Float32, [4, 5], [1, 4]);
        Assert.True(TypeGuard.Check([Transposed(Random(DType.Float32, 5, 4))], [strided], Device.Cpu));
        Assert.False(TypeGuard.Check([Random(DType.Float32, 4, 5)], [strided], Device.Cpu));
    }

    [Fact]
    public void GroupsRunThroughTheBackendsCompilerOncePerGroup()
    {
        using var backend = new FusingBackend();
        var interpreter = new Interpreter(Fused(), backend);
        var x = Random(DType.Float32, 3, 4);
        for (int i = 0; i < 3; i++)
            ValueAssert.TensorClose(Unfused(x, x), interpreter.Run([x, x])[0].AsTensor, 0, 0, "compiled");
        Assert.Equal(1, backend.Compiler.Compiled);
    }
}
