using Jit.TensorExpr;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.TensorExpr;

public sealed class TeSimplifierTests
{
    private static readonly Var I = new("i");
    private static readonly Var J = new("j");
    private static readonly Var N = new("n");

    private static string Simplified(Expr e) => TeSimplifier.Simplify(e).ToString();

    [Theory]
    [MemberData(nameof(Cases))]
    public void SimplifiesExpression(Expr before, string after) => Assert.Equal(after, Simplified(before));

    public static TheoryData<Expr, string> Cases()
    {
        var f = new Var("f", DType.Float32);
        return new TheoryData<Expr, string>
        {
            { (Expr)2 * 3 + 4, "10" },
            { I * 1 + 0, "i" },
            { I * 0 + J, "j" },
            { I + J - I, "j" },
            { J + I * 2 + I, "i * 3 + j" },
            { J - I * 2 + 5 - N, "j - i * 2 - n + 5" },
            { (I + 1) * 4 - 4, "i * 4" },
            { -(I - J), "j - i" },
            { f * 1.0, "f" },
            { f / 1.0, "f" },
            { f - 0.0, "f" },
            { f + 0.0, "f + 0f" },
            { Expr.Const(1.5, DType.Float32) * 2.0 + f, "3f + f" },
            { Expr.Select(Expr.Lt(1, 2), I, J), "i" },
            { Expr.Select(Expr.Lt(I, J), N, N), "n" },
            { Expr.Cast(Expr.Const(3.7, DType.Float32), DType.Int32), "int32(3)" },
            { Expr.Call(Intrinsic.Exp, Expr.Const(0.0, DType.Float64)), "1.0" },
            { Expr.And(Expr.Lt(I, J), Expr.Bool(true)), "i < j" },
            { Expr.Or(Expr.Lt(I, J), Expr.Bool(true)), "true" },
            { Expr.Not(Expr.Not(Expr.Lt(I, J))), "i < j" },
            { Expr.Max(I, I), "i" },
            { (Expr)7 / 0, "7 / 0" },
        };
    }

    [Fact]
    public void ResolvesDivModWithLoopRanges()
    {
        // for i in [0, n): for j in [0, 4): out[(i*4 + j) / 4, (i*4 + j) % 4] = ...
        var buf = TeBuffer.Contiguous("out", DType.Int64, [N, 4]);
        var flat = I * 4 + J;
        var s = new ForStmt(I, 0, N, new ForStmt(J, 0, 4, buf.Store([flat / 4, flat % 4], flat)));
        var k = new TeKernel("k", [N], [], [buf], s);
        Assert.Contains("out[i, j] = i * 4 + j;", Body(TeSimplifier.Simplify(k)));
    }

    [Fact]
    public void KeepsDivModWhenRangesDoNotProveIt()
    {
        var buf = TeBuffer.Contiguous("out", DType.Int64, [N]);
        var flat = I * 4 + J;
        // j may reach 4 here, so (i*4 + j) / 4 is not i.
        var s = new ForStmt(I, 0, N, new ForStmt(J, 0, 5, buf.Store([I], flat / 4)));
        var k = new TeKernel("k", [N], [], [buf], s);
        Assert.Contains("out[i] = (i * 4 + j) / 4;", Body(TeSimplifier.Simplify(k)));
        // Without loop ranges nothing is known about i and j.
        Assert.Equal("(i * 4 + j) / 4", Simplified(flat / 4));
    }

    [Fact]
    public void NestedDivisionAndRangeDecidedComparisons()
    {
        var buf = TeBuffer.Contiguous("out", DType.Bool, [N]);
        var div = TeBuffer.Contiguous("d", DType.Int64, [N]);
        var s = new BlockStmt([
            new ForStmt(I, 0, N, buf.Store([I], Expr.Lt(I, N))),
            new ForStmt(I, 0, N, div.Store([I], I / 2 / 3 + Expr.Min(I, N) + Expr.Max(I, I + 1))),
        ]);
        var k = TeSimplifier.Simplify(new TeKernel("k", [N], [], [buf, div], s));
        Assert.Contains("out[i] = true;", Body(k));
        Assert.Contains("d[i] = i * 2 + i / 6 + 1;", Body(k));
    }

    [Fact]
    public void InlinesTripCountOneAndDropsEmptyLoops()
    {
        var buf = TeBuffer.Contiguous("out", DType.Int64, [3]);
        var s = new BlockStmt([
            new ForStmt(I, 2, 3, buf.Store([I], I * 10)),
            new ForStmt(J, N, N, buf.Store([J], 0)),
            new BlockStmt([new BlockStmt([])]),
            new IfStmt(Expr.Lt(1, 0), buf.Store([0], 1), buf.Store([0], 2)),
        ]);
        var k = TeSimplifier.Simplify(new TeKernel("k", [N], [], [buf], s));
        Assert.Equal("out[2] = 20;\nout[0] = 2;\n", Body(k).Replace("  ", ""));
    }

    [Fact]
    public void ReturnsTheSameInstanceWhenNothingChanges()
    {
        var k = TePrinterTests.AddRelu();
        Assert.Same(k, TeSimplifier.Simplify(k));
        var e = (I * 4 + J) / 4;
        var once = TeSimplifier.Simplify(J + I * 4 - 0);
        Assert.Same(once, TeSimplifier.Simplify(once));
        Assert.Same(e, TeSimplifier.Simplify(e));
    }

    private static string Body(TeKernel k) => TePrinter.Print(k.Body);
}
