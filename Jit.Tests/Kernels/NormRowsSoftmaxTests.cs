using Jit.Backends.Cpu.Kernels.Common;
using Xunit;

namespace Jit.Tests.Kernels;

/// <summary>
/// The float32 row softmax (vectorized, one exponential per element) against the double formula:
/// every row length around the vector width, in place and not, NaN and -inf entries.
/// </summary>
public sealed class NormRowsSoftmaxTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MatchesTheDoubleFormulaForEveryRowLength(bool log)
    {
        var random = new Random(5);
        for (int n = 1; n <= 43; n++)
        {
            var x = Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 20 - 10)).ToArray();
            if (n % 5 == 0) x[n / 2] = float.NegativeInfinity;
            var y = new float[n];
            NormRows.Softmax<float>(x, y, 0, n, 1, log);
            var inPlace = (float[])x.Clone();
            NormRows.Softmax<float>(inPlace, inPlace, 0, n, 1, log);
            Assert.Equal(y, inPlace);
            double max = x.Max(v => (double)v), sum = x.Sum(v => Math.Exp(v - max));
            for (int j = 0; j < n; j++)
            {
                double want = log ? x[j] - max - Math.Log(sum) : Math.Exp(x[j] - max) / sum;
                if (double.IsNegativeInfinity(want)) Assert.Equal(float.NegativeInfinity, y[j]);
                else Assert.True(Math.Abs(y[j] - want) <= 1e-6 + 2e-6 * Math.Abs(want), $"n {n}, element {j}: {y[j]}, expected {want}");
            }
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(21)]
    public void ANaNMakesTheWholeRowNaN(int n)
    {
        var x = Enumerable.Range(0, n).Select(j => (float)j).ToArray();
        x[n - 1] = float.NaN;
        var y = new float[n];
        NormRows.Softmax<float>(x, y, 0, n, 1, log: false);
        Assert.All(y, v => Assert.True(float.IsNaN(v)));
    }
}
