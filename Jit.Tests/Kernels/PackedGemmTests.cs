using Jit.Backends.Cpu.Kernels.Common;
using Xunit;

namespace Jit.Tests.Kernels;

/// <summary>
/// The packed GEMM on every micro-kernel, against a double-precision reference: sizes one
/// below, at and one above each register and cache block, transposed operands read through
/// strides, alpha/beta/bias/relu, and bitwise-identical results for any thread count.
/// </summary>
public sealed class PackedGemmTests
{
    public static TheoryData<string, int, int, int> BoundarySizes()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (var kind in Enum.GetValues<GemmKernelKind>())
        {
            var b = GemmBlocking.For(kind, sizeof(float));
            foreach (int d in new[] { -1, 0, 1 })
            {
                data.Add(kind.ToString(), b.MR + d, b.NR + d, 7);
                data.Add(kind.ToString(), 2 * b.MR + d, 3, b.KC + d);
                data.Add(kind.ToString(), 5, b.NC + d, 9);
                data.Add(kind.ToString(), b.MC + d, b.NR + 1, 3);
            }
            data.Add(kind.ToString(), 1, 1, 1);
            data.Add(kind.ToString(), 3, 2, 0);
        }
        return data;
    }

    private static float[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        var r = new float[count];
        for (int i = 0; i < r.Length; i++) r[i] = (float)(rng.NextDouble() * 2 - 1);
        return r;
    }

    /// <summary>A [m,k] stored row-major, or column-major when <paramref name="transposed"/> (read through strides).</summary>
    private static GemmLayout Layout(int rows, int cols, bool transposed) =>
        transposed ? new GemmLayout(0, 1, rows) : new GemmLayout(0, cols, 1);

    private static float[] Run(GemmKernelKind kind, int m, int n, int k, bool ta, bool tb, float alpha, float beta,
        float[] c, int threads, float[]? rowBias = null, float[]? colBias = null, bool relu = false)
    {
        var a = Random(m * k, 1);
        var b = Random(k * n, 2);
        var args = new GemmArgs<float>
        {
            M = m, N = n, K = k,
            A = a, ALayout = Layout(m, k, ta),
            B = b, BLayout = Layout(k, n, tb),
            C = c, COffset = 0, Ldc = n,
            Alpha = alpha, Beta = beta,
            RowBias = rowBias, ColBias = colBias, Relu = relu,
        };
        PackedGemm.Run(args, threads, kind);
        return c;
    }

    private static double[] Reference(int m, int n, int k, bool ta, bool tb, double alpha, double beta, float[] c0,
        float[]? rowBias = null, float[]? colBias = null, bool relu = false)
    {
        var a = Random(m * k, 1);
        var b = Random(k * n, 2);
        var la = Layout(m, k, ta);
        var lb = Layout(k, n, tb);
        var r = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += (double)a[i * la.RowStride + p * la.ColStride] * b[p * lb.RowStride + j * lb.ColStride];
                double v = alpha * s + (beta == 0 ? 0 : beta * c0[i * n + j]);
                if (rowBias != null) v += rowBias[i];
                if (colBias != null) v += colBias[j];
                r[i * n + j] = relu ? Math.Max(v, 0) : v;
            }
        }
        return r;
    }

    private static void AssertClose(double[] expected, float[] actual, int k)
    {
        double tol = 1e-5 * (k + 4);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Theory]
    [MemberData(nameof(BoundarySizes))]
    public void OddSizesAroundEveryBlockMatchTheReference(string kindName, int m, int n, int k)
    {
        var kind = Enum.Parse<GemmKernelKind>(kindName);
        foreach (var (ta, tb) in new[] { (false, false), (true, true) })
        {
            var c = Run(kind, m, n, k, ta, tb, 1, 0, new float[m * n], 1);
            AssertClose(Reference(m, n, k, ta, tb, 1, 0, new float[m * n]), c, k);
        }
    }

    [Theory]
    [InlineData("Vector512", false, true)]
    [InlineData("Vector512", true, false)]
    [InlineData("Vector256", false, true)]
    [InlineData("Scalar", true, true)]
    public void AlphaBetaBiasAndReluFoldIntoTheStores(string kindName, bool ta, bool tb)
    {
        var kind = Enum.Parse<GemmKernelKind>(kindName);
        int m = 29, n = 70, k = 801;
        var c0 = Random(m * n, 3);
        var c = Run(kind, m, n, k, ta, tb, 0.5f, -1.5f, (float[])c0.Clone(), 1);
        AssertClose(Reference(m, n, k, ta, tb, 0.5, -1.5, c0), c, k);
        var rowBias = Random(m, 4);
        var colBias = Random(n, 5);
        c = Run(kind, m, n, k, ta, tb, 2, 1, (float[])c0.Clone(), 1, rowBias, null, relu: true);
        AssertClose(Reference(m, n, k, ta, tb, 2, 1, c0, rowBias, null, relu: true), c, k);
        c = Run(kind, m, n, k, ta, tb, 1, 0, (float[])c0.Clone(), 1, null, colBias);
        AssertClose(Reference(m, n, k, ta, tb, 1, 0, c0, null, colBias), c, k);
    }

    [Theory]
    [InlineData("Vector512")]
    [InlineData("Vector256")]
    [InlineData("Scalar")]
    public void TheAddendIsAddedAfterTheBiasOnFullAndEdgeTiles(string kindName)
    {
        // Two k-blocks and full tiles: the addend must not be skipped where a plain tile stores straight into C.
        var kind = Enum.Parse<GemmKernelKind>(kindName);
        int m = 24, n = 70, k = 801;
        var z = Random(m * n, 6);
        var rowBias = Random(m, 4);
        foreach (var bias in new[] { null, rowBias })
        {
            var a = Random(m * k, 1);
            var b = Random(k * n, 2);
            var c = new float[m * n];
            PackedGemm.Run(new GemmArgs<float>
            {
                M = m, N = n, K = k, A = a, ALayout = Layout(m, k, false), B = b, BLayout = Layout(k, n, false),
                C = c, Ldc = n, Alpha = 1, Beta = 0, RowBias = bias, Addend = z,
            }, 1, kind);
            var expected = Reference(m, n, k, false, false, 1, 0, new float[m * n], bias);
            for (int i = 0; i < expected.Length; i++) expected[i] += z[i];
            AssertClose(expected, c, k);
        }
    }

    /// <summary>A prepacked A (a conv's cached weights) gives the same bits as packing per call, across k-blocks, edge tiles and threads.</summary>
    [Theory]
    [InlineData("Vector512")]
    [InlineData("Vector256")]
    [InlineData("Scalar")]
    public unsafe void APrepackedOverAllOfKMatchesPackingPerCall(string kindName)
    {
        var kind = Enum.Parse<GemmKernelKind>(kindName);
        int m = 29, n = 100, k = 801, mr = GemmBlocking.For(kind, sizeof(float)).MR;
        var a = Random(m * k, 1);
        var b = Random(k * n, 2);
        var bias = Random(m, 3);
        var packed = new float[(m + mr - 1) / mr * mr * k];
        fixed (float* src = a, dst = packed) GemmPacking.PackA(src, k, 1, m, k, mr, dst);
        float[] Product(bool prepacked, int threads)
        {
            var c = new float[m * n];
            PackedGemm.Run(new GemmArgs<float>
            {
                M = m, N = n, K = k, A = a, ALayout = Layout(m, k, false), B = b, BLayout = Layout(k, n, false),
                C = c, Ldc = n, Alpha = 1, Beta = 0, RowBias = bias, Relu = true,
                PackedA = prepacked ? packed : default, PackedAMr = mr,
            }, threads, kind);
            return c;
        }
        var expected = Product(false, 1);
        Assert.Equal(expected, Product(true, 1));
        Assert.Equal(expected, Product(true, 3));
    }

    /// <summary>
    /// Bias, addend and relu folded into the kernel's stores (full and edge tiles, one and
    /// several k-blocks) give the bits of adding them to the plain product afterwards.
    /// </summary>
    [Theory]
    [InlineData("Vector512", 37)]
    [InlineData("Vector512", 801)]
    [InlineData("Vector256", 37)]
    [InlineData("Vector256", 801)]
    [InlineData("Scalar", 801)]
    public void TheFoldedEpilogueEqualsAddingAfterTheProduct(string kindName, int k)
    {
        var kind = Enum.Parse<GemmKernelKind>(kindName);
        int m = 29, n = 70;
        var a = Random(m * k, 1);
        var b = Random(k * n, 2);
        var bias = Random(m, 3);
        var z = Random(m * n, 4);
        var plain = new float[m * n];
        var fused = new float[m * n];
        var args = new GemmArgs<float>
        {
            M = m, N = n, K = k, A = a, ALayout = Layout(m, k, false), B = b, BLayout = Layout(k, n, false),
            C = plain, Ldc = n, Alpha = 1, Beta = 0,
        };
        PackedGemm.Run(args, 1, kind);
        args.C = fused;
        args.RowBias = bias;
        args.Addend = z;
        args.Relu = true;
        PackedGemm.Run(args, 1, kind);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float v = plain[i * n + j] + bias[i] + z[i * n + j];
                Assert.Equal(v < 0 ? 0 : v, fused[i * n + j]);
            }
        }
    }

    [Fact]
    public void BetaZeroNeverReadsC()
    {
        var c = new float[6 * 40];
        Array.Fill(c, float.NaN);
        Run(GemmBlocking.Best, 6, 40, 5, false, false, 1, 0, c, 1);
        Assert.DoesNotContain(c, float.IsNaN);
    }

    [Theory]
    [InlineData("Vector512", 203, 517, 389, false, false)]
    [InlineData("Vector512", 61, 1000, 777, true, true)]
    [InlineData("Vector256", 130, 90, 600, false, true)]
    [InlineData("Scalar", 150, 140, 300, true, false)]
    public void ResultsAreBitwiseIdenticalForAnyThreadCount(string kindName, int m, int n, int k, bool ta, bool tb)
    {
        var kind = Enum.Parse<GemmKernelKind>(kindName);
        var c0 = Random(m * n, 6);
        var bias = Random(n, 7);
        var one = Run(kind, m, n, k, ta, tb, 0.75f, 0.25f, (float[])c0.Clone(), 1, null, bias, relu: true);
        foreach (int threads in new[] { 2, 3, 4 })
        {
            var many = Run(kind, m, n, k, ta, tb, 0.75f, 0.25f, (float[])c0.Clone(), threads, null, bias, relu: true);
            Assert.Equal(one, many);
        }
        // alpha 1, beta 0, no bias: interior tiles go straight into C, edge tiles through the epilogue.
        var plain = Run(kind, m, n, k, ta, tb, 1, 0, new float[m * n], 1);
        AssertClose(Reference(m, n, k, ta, tb, 1, 0, new float[m * n]), plain, k);
        foreach (int threads in new[] { 2, 3 })
            Assert.Equal(plain, Run(kind, m, n, k, ta, tb, 1, 0, new float[m * n], threads));
    }

    /// <summary>K large enough that the threads of a row split share B's packed columns in two ranges.</summary>
    [Theory]
    [InlineData("Vector512")]
    [InlineData("Vector256")]
    public void RowSplitsSharingBInSeveralColumnRangesMatchOneThread(string kindName)
    {
        var kind = Enum.Parse<GemmKernelKind>(kindName);
        int m = 400, n = 1000, k = 4100;
        var one = Run(kind, m, n, k, false, false, 1, 0, new float[m * n], 1);
        Assert.Equal(one, Run(kind, m, n, k, false, false, 1, 0, new float[m * n], 2));
        var c0 = Random(m * n, 9);
        var bias = Random(n, 10);
        one = Run(kind, m, n, k, true, false, 1, 0.5f, (float[])c0.Clone(), 1, null, bias, relu: true);
        Assert.Equal(one, Run(kind, m, n, k, true, false, 1, 0.5f, (float[])c0.Clone(), 3, null, bias, relu: true));
    }

    [Theory]
    [InlineData("Vector512")]
    [InlineData("Vector256")]
    [InlineData("Scalar")]
    public void Float64MatchesTheReference(string kindName)
    {
        var kind = Enum.Parse<GemmKernelKind>(kindName);
        var blk = GemmBlocking.For(kind, sizeof(double));
        int m = blk.MR + 1, n = blk.NC + 1, k = blk.KC + 1;
        var rng = new Random(8);
        var a = new double[m * k];
        var b = new double[k * n];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextDouble() - 0.5;
        for (int i = 0; i < b.Length; i++) b[i] = rng.NextDouble() - 0.5;
        var c = new double[m * n];
        var args = new GemmArgs<double>
        {
            M = m, N = n, K = k, A = a, ALayout = new GemmLayout(0, 1, m), B = b, BLayout = new GemmLayout(0, n, 1),
            C = c, Ldc = n, Alpha = 1, Beta = 0,
        };
        PackedGemm.Run(args, 2, kind);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[i + p * m] * b[p * n + j];
                Assert.True(Math.Abs(s - c[i * n + j]) <= 1e-12 * k, $"({i}, {j}): expected {s}, got {c[i * n + j]}");
            }
        }
    }

    [Fact]
    public void OperandsOutsideTheirSpansAreRejected()
    {
        var a = new float[10];
        var b = new float[10];
        var c = new float[10];
        var ex = Assert.Throws<Jit.Errors.JitShapeException>(() =>
            PackedGemm.Run(new GemmArgs<float> { M = 4, N = 2, K = 3, A = a, ALayout = new GemmLayout(0, 3, 1), B = b, BLayout = new GemmLayout(0, 2, 1), C = c, Ldc = 2, Alpha = 1 }, 1));
        Assert.Contains("operand A", ex.Message);
    }
}
