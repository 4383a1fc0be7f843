using Jit.TensorExpr;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.TensorExpr;

public sealed class TePrinterTests
{
    internal static TeKernel AddRelu()
    {
        var b = new TeBuilder("add_relu");
        var n = b.Size("n");
        var m = b.Size("m");
        var x = b.Input("x", DType.Float32, [n, m]);
        var y = b.Input("y", DType.Float32, [1, m]);
        b.Compute("out", DType.Float32, [n, m], i => Expr.Max(x.LoadBroadcast(i) + y.LoadBroadcast(i), 0.0));
        return b.Build();
    }

    [Fact]
    public void PrintsKernelGolden()
    {
        Assert.Equal("""
            kernel add_relu(n: int64, m: int64, x_stride0: int64, x_stride1: int64, y_stride0: int64, y_stride1: int64)
              in x: float32[n, m] strides [x_stride0, x_stride1]
              in y: float32[1, m] strides [y_stride0, y_stride1]
              out out: float32[n, m] strides [m, 1]
            {
              for out_i0 in [0, n) {
                for out_i1 in [0, m) {
                  out[out_i0, out_i1] = max(x[out_i0, out_i1] + y[0, out_i1], 0f);
                }
              }
            }

            """.ReplaceLineEndings("\n"), TePrinter.Print(AddRelu()));
    }

    [Fact]
    public void PrintsAnnotationsReductionsAndTemporaries()
    {
        var b = new TeBuilder("sum_half");
        var x = b.Input("x", DType.Float16, [3, 5], contiguous: true);
        b.Reduce("s", DType.Float16, [3], [5], Reducer.Sum, (i, r) => x.Load(i[0], r[0]), accumulate: DType.Float32);
        var k = TeSchedule.Parallel(b.Build(), new Var("s_i0"));
        Assert.Equal("""
            kernel sum_half()
              in x: float16[3, 5] strides [5, 1]
              out s: float16[3] strides [1]
            {
              for s_i0 in [0, 3) parallel {
                alloc s_acc: float32[] strides [] {
                  s_acc[] = 0f;
                  for s_r0 in [0, 5) {
                    s_acc[] += float32(x[s_i0, s_r0]);
                  }
                  s[s_i0] = float16(s_acc[]);
                }
              }
            }

            """.ReplaceLineEndings("\n"), k.ToString());
    }

    [Theory]
    [InlineData(DType.Int64, 3.0, "3")]
    [InlineData(DType.Int32, -2.0, "int32(-2)")]
    [InlineData(DType.Bool, 1.0, "true")]
    [InlineData(DType.Float32, 1.5, "1.5f")]
    [InlineData(DType.Float64, 2.0, "2.0")]
    [InlineData(DType.Float16, 0.5, "float16(0.5)")]
    [InlineData(DType.Float32, double.NegativeInfinity, "float32(-inf)")]
    public void PrintsConstants(DType dtype, double value, string text) =>
        Assert.Equal(text, Expr.Const(value, dtype).ToString());

    [Fact]
    public void PrintsPrecedenceWithMinimalParentheses()
    {
        var i = new Var("i");
        var j = new Var("j");
        Assert.Equal("(i + j) * 4 - i / (j - 1)", ((i + j) * 4 - i / (j - 1)).ToString());
        Assert.Equal("select(i < j, -(i + 1), i % 3)", Expr.Select(Expr.Lt(i, j), -(i + 1), i % 3).ToString());
        Assert.Equal("exp(float32(i))", Expr.Call(Intrinsic.Exp, Expr.Cast(i, DType.Float32)).ToString());
    }

    [Fact]
    public void StructuralHashIsStableAndDistinguishesKernels()
    {
        var a = AddRelu();
        var b = AddRelu();
        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a.StructuralHash(), b.StructuralHash());
        var c = TeSchedule.Vectorize(a, new Var("out_i1"), 8);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a.StructuralHash(), c.StructuralHash());
    }
}
