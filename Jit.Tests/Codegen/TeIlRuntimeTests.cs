using Jit.Backends.Cpu.Codegen;
using Jit.Backends.Cpu.Kernels;
using Jit.Ir;
using Jit.Runtime;
using Jit.TensorExpr;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Codegen;

public sealed class TeIlRuntimeTests
{
    private static TeKernel Chain(string name = "chain")
    {
        var b = new TeBuilder(name);
        var n = b.Size("n");
        var m = b.Size("m");
        var x = b.Input("x", DType.Float32, [n, m]);
        b.Compute("out", DType.Float32, [n, m], i => Expr.Max((x.Load(i[0], i[1]) * 2.0 + 1.0) * 3.0 - 0.5, 0.0));
        return b.Build();
    }

    [Fact]
    public void CacheCompilesEachStructurallyEqualKernelOnce()
    {
        var cache = new TeKernelCache();
        var a = cache.GetOrCompile(Chain());
        var b = cache.GetOrCompile(Chain());
        Assert.Same(a, b);
        Assert.Equal(1, cache.Hits);
        Assert.NotSame(a, cache.GetOrCompile(Chain("other")));
        Assert.Equal(2, cache.Count);
        var results = new CompiledTeKernel[8];
        Parallel.For(0, 8, i => results[i] = cache.GetOrCompile(Chain("concurrent")));
        Assert.All(results, r => Assert.Same(results[0], r));
    }

    [Fact]
    public void ParallelLoopGivesBitIdenticalResultsForAnyThreadCount()
    {
        var k = Chain();
        var rows = ((ForStmt)((BlockStmt)k.Body).Stmts[0]).Index;
        var b = new TeBuilder("softmaxish");
        var n = b.Size("n");
        var m = b.Size("m");
        var x = b.Input("x", DType.Float32, [n, m]);
        b.Reduce("s", DType.Float32, [n], [m], Reducer.Sum, (i, r) => Expr.Call(Intrinsic.Exp, x.Load(i[0], r[0])));
        var red = b.Build();
        var redRows = ((ForStmt)((BlockStmt)red.Body).Stmts[0]).Index;
        var input = CodegenAssert.Random(new Random(6), DType.Float32, -3, 3, 64, 1031);
        int saved = CpuThreads.Count;
        try
        {
            foreach (var kernel in new[] { TeSchedule.Parallel(k, rows), TeSchedule.Parallel(red, redRows) })
            {
                var options = new TeCompileOptions { ParallelMinElements = 0 };
                var compiled = TeIlCompiler.Compile(kernel, options);
                Assert.Equal(1, compiled.ParallelRegions);
                CpuThreads.Count = 1;
                var one = compiled.Run([input])[0];
                CpuThreads.Count = 3;
                var three = compiled.Run([input])[0];
                Assert.Equal(one.ToDoubleArray(), three.ToDoubleArray());
                CodegenAssert.AssertClose(TeEvaluator.Run(kernel, [input])[0], three, 1e-4, 1e-5, "parallel");
            }
        }
        finally
        {
            CpuThreads.Count = saved;
        }
    }

    [Fact]
    public void ParallelAnnotationOnAReductionAxisRunsSerially()
    {
        // Iterations of the reduction loop all write s[0]: running them on threads would race.
        var b = new TeBuilder("total");
        var n = b.Size("n");
        var x = b.Input("x", DType.Float32, [n]);
        b.Reduce("s", DType.Float32, [], [n], Reducer.Sum, (_, r) => x.Load(r[0]));
        var k = b.Build();
        var loop = FindLoops(k.Body).Single();
        var par = TeSchedule.Parallel(k, loop.Index);
        Assert.Equal(0, TeIlCompiler.Compile(par).ParallelRegions);
        CodegenAssert.MatchesEvaluator(par, [CodegenAssert.Random(new Random(1), DType.Float32, 0, 1, 5000)]);
    }

    private static IEnumerable<ForStmt> FindLoops(Stmt s) => s switch
    {
        ForStmt f => new[] { f }.Concat(FindLoops(f.Body)),
        BlockStmt b => b.Stmts.SelectMany(FindLoops),
        AllocateStmt a => FindLoops(a.Body),
        _ => [],
    };

    [Fact]
    public void ElementwiseLoopsVectorizeAndStridedOutputsAreChecked()
    {
        var compiled = TeIlCompiler.Compile(Chain(), new TeCompileOptions { VectorBits = 256 });
        Assert.Equal(256, compiled.VectorBits);
        Assert.Equal(1, compiled.VectorizedLoops);
        var input = CodegenAssert.Random(new Random(2), DType.Float32, -1, 1, 3, 5);
        var wrong = Tensor.Zeros(DType.Float32, 5, 3).AsStrided([3, 5], [1, 3]);
        Assert.Throws<Jit.Errors.JitRuntimeException>(() => compiled.Run([input], [wrong]));
        Assert.Equal(0, TeIlCompiler.Compile(Chain(), new TeCompileOptions { VectorBits = -1 }).VectorizedLoops);
    }

    [Fact]
    public void InPlaceOutputAliasingAnInputStaysCorrect()
    {
        // out = x * 2 + 1 written over x itself: the overlapping last vector must not run.
        var b = new TeBuilder("inplace");
        var n = b.Size("n");
        var x = b.Input("x", DType.Float32, [n]);
        b.Compute("out", DType.Float32, [n], i => x.Load(i[0]) * 2.0 + 1.0);
        var k = b.Build();
        foreach (int bits in CodegenAssert.Widths)
        {
            var t = CodegenAssert.Random(new Random(bits + 10), DType.Float32, -1, 1, 37);
            var expected = TeEvaluator.Run(k, [t])[0];
            TeIlCompiler.Compile(k, new TeCompileOptions { VectorBits = bits }).Run([t], [t]);
            CodegenAssert.AssertClose(expected, t, 0, 0, $"in place, width {bits}");
        }
    }

    [Fact]
    public void RunIntoBindsNumbersAsZeroDimBuffersAndAllocatesNothing()
    {
        var b = new TeBuilder("scaled");
        var n = b.Size("n");
        var m = b.Size("m");
        var x = b.Input("x", DType.Float32, [n, m]);
        var s = b.Input("s", DType.Float64, []);
        var flag = b.Input("flag", DType.Bool, []);
        b.Compute("out", DType.Float32, [n, m], i => Expr.Select(flag.Load(), x.Load(i[0], i[1]) * Expr.Cast(s.Load(), DType.Float32), x.Load(i[0], i[1])));
        var compiled = TeIlCompiler.Compile(b.Build());
        var input = CodegenAssert.Random(new Random(4), DType.Float32, -2, 2, 5, 33);
        var expected = compiled.Run([input, Tensor.Scalar(2.5, DType.Float64), Tensor.Scalar(true)])[0];
        var output = Tensor.Empty(DType.Float32, 5, 33);
        IValue[] inputs = [IValue.FromTensor(input), 2.5, true];
        IValue[] outputs = [IValue.FromTensor(output)];
        compiled.RunInto(inputs, outputs);
        CodegenAssert.AssertClose(expected, output, 0, 0, "into");
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) compiled.RunInto(inputs, outputs);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        var e = Assert.Throws<Jit.Errors.JitRuntimeException>(() => compiled.RunInto([IValue.FromTensor(input), 2L, true], outputs));
        Assert.Contains("buffer s", e.Message);
    }

    [Fact]
    public void FusedKernelCompilerBindsTensorInputsAndDeclinesWhatDoesNotLower()
    {
        var graph = new Graph();
        var compiler = new CpuFusedKernelCompiler(_ => Chain("fused"), new TeKernelCache());
        var op = compiler.TryCompile(graph);
        Assert.NotNull(op);
        var x = CodegenAssert.Random(new Random(3), DType.Float32, -1, 1, 4, 9).AsStrided([4, 9], [9, 1]);
        var outputs = new IValue[1];
        op!([IValue.FromTensor(x)], outputs);
        CodegenAssert.AssertClose(TeEvaluator.Run(Chain("fused"), [x])[0], outputs[0].AsTensor, 1e-6, 0, "fused");
        var into = compiler.TryCompileInto(graph);
        Assert.NotNull(into);
        var destination = Tensor.Empty(DType.Float32, 4, 9);
        into!([IValue.FromTensor(x)], [IValue.FromTensor(destination)]);
        CodegenAssert.AssertClose(outputs[0].AsTensor, destination, 0, 0, "into");
        Assert.Null(new CpuFusedKernelCompiler(_ => null).TryCompile(graph));
        Assert.Null(new CpuFusedKernelCompiler(_ => null).TryCompileInto(graph));
    }
}
