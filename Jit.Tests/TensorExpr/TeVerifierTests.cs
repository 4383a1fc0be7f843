using Jit.Errors;
using Jit.TensorExpr;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.TensorExpr;

public sealed class TeVerifierTests
{
    private static readonly Var I = new("i");

    private static IReadOnlyList<string> Errors(Stmt body, params TeBuffer[] inputs)
    {
        var outBuf = TeBuffer.Contiguous("out", DType.Float32, [4]);
        return TeVerifier.Check(new TeKernel("k", [], NodeList.From(inputs), [outBuf], body));
    }

    [Fact]
    public void AcceptsBuilderKernels()
    {
        Assert.Empty(TeVerifier.Check(TePrinterTests.AddRelu()));
    }

    [Fact]
    public void ChecksGpuNodes()
    {
        var outBuf = TeBuffer.Contiguous("out", DType.Float32, [4]);
        var t = new Var("t");
        var red = TeBuffer.Contiguous("red", DType.Float32, [4]);
        Stmt Thread(Stmt body) => new ForStmt(t, 0, 4, body, LoopAnnotation.GpuThread(0));
        var good = new ForStmt(I, 0, 4, new AllocateStmt(red, new BlockStmt([
            Thread(red.Store([t], 1.0)), BarrierStmt.Instance, Thread(outBuf.Store([t], red.Load(t))),
        ]), BufferScope.Local), LoopAnnotation.GpuBlock(0));
        Assert.Empty(Errors(good));
        Assert.Contains(Errors(BarrierStmt.Instance), e => e.Contains("barrier outside a GPU block loop"));
        Assert.Contains(Errors(new ForStmt(I, 0, 4, Thread(BarrierStmt.Instance), LoopAnnotation.GpuBlock(0))), e => e.Contains("barrier inside a GPU thread loop"));
        var n = new Var("n");
        var dynamic = TeBuffer.Contiguous("d", DType.Float32, [n]);
        var kernel = new TeKernel("k", [n], [], [outBuf], new AllocateStmt(dynamic, BlockStmt.Empty, BufferScope.Local));
        Assert.Contains(TeVerifier.Check(kernel), e => e.Contains("local buffer d needs constant sizes"));
    }

    [Fact]
    public void ReportsEachKindOfProblem()
    {
        var outBuf = TeBuffer.Contiguous("out", DType.Float32, [4]);
        var x = TeBuffer.Contiguous("x", DType.Float32, [4]);
        var ghost = TeBuffer.Contiguous("ghost", DType.Float32, [4]);
        var j = new Var("j");
        Assert.Contains(Errors(new ForStmt(I, 0, 4, outBuf.Store([I], Expr.Cast(I, DType.Float32) + new BinaryExpr(BinaryOp.Add, x.Load(I), new FloatImm(DType.Float64, 1)))), x),
            e => e.Contains("operands have dtypes float32 and float64"));
        Assert.Contains(Errors(new ForStmt(I, 0, 4, new StoreStmt(outBuf, [I], I))), e => e.Contains("value is int64, buffer is float32"));
        Assert.Contains(Errors(new ForStmt(I, 0, 4, outBuf.Store([I, I], 0.0))), e => e.Contains("rank 1 but is indexed with 2"));
        Assert.Contains(Errors(outBuf.Store([j], 0.0)), e => e.Contains("variable j (int64) is not in scope"));
        Assert.Contains(Errors(outBuf.Store([0], ghost.Load(0))), e => e.Contains("buffer ghost is not declared"));
        Assert.Contains(Errors(x.Store([0], 1.0), x), e => e.Contains("input buffer x is written"));
        Assert.Contains(Errors(new ForStmt(I, 0, 4, new ForStmt(I, 0, 4, outBuf.Store([I], 0.0)))), e => e.Contains("shadows"));
        Assert.Contains(Errors(new ForStmt(I, 0, 4, outBuf.Store([I], 0.0), LoopAnnotation.GpuBlock(3))), e => e.Contains("GPU axis 3"));
        Assert.Contains(Errors(outBuf.Store([0], Expr.Call(Intrinsic.Exp, x.Load(0), x.Load(1))), x), e => e.Contains("takes 1 arguments"));
        Assert.Contains(Errors(new IfStmt(I, outBuf.Store([0], 0.0))), e => e.Contains("is not bool"));
    }

    [Fact]
    public void SiblingLoopsMayReuseAnIndexName()
    {
        var outBuf = TeBuffer.Contiguous("out", DType.Float32, [4]);
        Assert.Empty(Errors(new BlockStmt([new ForStmt(I, 0, 4, outBuf.Store([I], 0.0)), new ForStmt(I, 0, 4, outBuf.Store([I], 1.0))])));
    }

    [Fact]
    public void VerifyThrowsWithEveryProblem()
    {
        var outBuf = TeBuffer.Contiguous("out", DType.Float32, [4]);
        var k = new TeKernel("bad", [], [], [outBuf], new StoreStmt(outBuf, [new Var("q")], Expr.Int(1)));
        var e = Assert.Throws<JitIrException>(() => TeVerifier.Verify(k));
        Assert.Contains("kernel bad is malformed", e.Message);
        Assert.Contains("variable q", e.Message);
        Assert.Contains("value is int64", e.Message);
    }
}
