using Jit.Runtime;
using Jit.TensorExpr;
using Jit.Tensors;
using Xunit;

namespace Jit.Tests.Cuda;

/// <summary>
/// Each intrinsic and operator as emitted kernel IL on the CPU accelerator against the oracle
/// (<see cref="TeEvaluator"/>) on awkward inputs: zeros, negatives, NaN, infinities, large values.
/// </summary>
public sealed class KernelSemanticsTests
{
    private static readonly double[] FloatInputs = [0, -0.0, 0.5, -0.5, 1, -1, 2.5, -3.75, 10, -20, 100, 1e-3, 88, -104, double.NaN, double.PositiveInfinity, double.NegativeInfinity];
    private static readonly long[] IntInputs = [0, 1, -1, 7, -7, 3, -2, 100, long.MaxValue, long.MinValue, 64, -64];

    public static TheoryData<DType, string> Cases()
    {
        var data = new TheoryData<DType, string>();
        foreach (var t in new[] { DType.Float32, DType.Float64, DType.Int64, DType.Int32 })
        {
            foreach (var f in Enum.GetValues<Intrinsic>())
                if (t.IsFloatingPoint() || f is Intrinsic.Abs or Intrinsic.Pow or Intrinsic.Fmod or Intrinsic.Remainder or Intrinsic.FloorDiv or Intrinsic.IsNan)
                    data.Add(t, f.ToString());
            foreach (var op in new[] { BinaryOp.Div, BinaryOp.Mod, BinaryOp.Max, BinaryOp.Min, BinaryOp.Le, BinaryOp.Ge, BinaryOp.Ne })
                data.Add(t, op.ToString());
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheOracle(DType dtype, string what)
    {
        int n = dtype.IsFloatingPoint() ? FloatInputs.Length : IntInputs.Length;
        var x = TeBuffer.Contiguous("x", dtype, [Expr.Int(n * n)]);
        var y = TeBuffer.Contiguous("y", dtype, [Expr.Int(n * n)]);
        var i = new Var("i");
        Expr a = x.Load(i), b = y.Load(i);
        Expr value = Enum.TryParse<Intrinsic>(what, out var f)
            ? (CallExpr.Arity(f) == 2 ? Expr.Call(f, a, b) : Expr.Call(f, a))
            : new BinaryExpr(Enum.Parse<BinaryOp>(what), a, b);
        var output = TeBuffer.Contiguous("out", value.DType, [Expr.Int(n * n)]);
        var kernel = new TeKernel($"sem_{what}_{dtype.PythonName()}", NodeList<Var>.Empty, NodeList.Create<TeBuffer>([x, y]), NodeList.Create<TeBuffer>([output]),
            new ForStmt(i, 0, n * n, output.Store([i], value)));
        // Every pair of inputs: a varies slowest.
        var xs = Pairs(dtype, n, first: true);
        var ys = Pairs(dtype, n, first: false, exponent: what == nameof(Intrinsic.Pow));
        var expected = TeEvaluator.Run(kernel, [xs, ys])[0];
        var backend = CudaTesting.Shared;
        var got = backend.GpuKernels.GetOrCompile(kernel).Run([IValue.FromTensor(xs.ToDevice(backend.Allocator)), IValue.FromTensor(ys.ToDevice(backend.Allocator))])[0].AsTensor.ToHost();
        for (int k = 0; k < n * n; k++)
        {
            double e = expected.GetDouble(k), g = got.GetDouble(k);
            if (double.IsNaN(e)) { Assert.True(double.IsNaN(g), $"{what}({xs.GetDouble(k)}, {ys.GetDouble(k)}) = {g}, oracle NaN"); continue; }
            double tol = output.DType == DType.Float32 ? 2e-6 * Math.Abs(e) + 1e-30 : output.DType == DType.Float64 ? 1e-12 * Math.Abs(e) : 0;
            Assert.True(e == g || Math.Abs(e - g) <= tol, $"{what}({xs.GetDouble(k)}, {ys.GetDouble(k)}) = {g}, oracle {e}");
        }
    }

    private static Tensor Pairs(DType dtype, int n, bool first, bool exponent = false)
    {
        var t = Tensor.Empty(dtype, n * n);
        for (int k = 0; k < n * n; k++)
        {
            int idx = first ? k / n : k % n;
            if (dtype.IsFloatingPoint()) t.SetDouble(k, FloatInputs[idx]);
            else
            {
                long v = dtype == DType.Int32 ? (int)IntInputs[idx] : IntInputs[idx];
                // The oracle throws on an integer division by zero and on a negative integer power
                // (a device gives 0 and follows the C rules): the second operand avoids both.
                if (!first) v = v == 0 ? 5 : exponent ? v & 7 : v;
                t.SetLong(k, v);
            }
        }
        return t;
    }
}
