using Jit.Tensors;

namespace Jit.Tests.TensorExpr;

/// <summary>Random host tensors of any dtype and layout for the TE tests.</summary>
internal static class TeTestData
{
    public static Tensor Random(Random rng, DType dtype, params long[] sizes)
    {
        var t = Tensor.Empty(dtype, sizes);
        for (long i = 0; i < t.NumElements; i++) Fill(rng, t, i);
        return t;
    }

    /// <summary>A non-contiguous tensor with the given logical sizes: a transposed-and-sliced view of a bigger one.</summary>
    public static Tensor RandomStrided(Random rng, DType dtype, long rows, long cols)
    {
        // Storage holds (cols, rows + 3); the view reads column-major with an offset.
        var big = Random(rng, dtype, cols, rows + 3);
        return big.AsStrided([rows, cols], [1, rows + 3], 2);
    }

    private static void Fill(Random rng, Tensor t, long i)
    {
        if (t.DType.IsFloatingPoint()) t.SetDouble(i, Math.Round(rng.NextDouble() * 8 - 4, 3));
        else if (t.DType == DType.Bool) t.SetLong(i, rng.Next(2));
        else if (t.DType == DType.UInt8) t.SetLong(i, rng.Next(256));
        else t.SetLong(i, rng.Next(-100, 100));
    }

    public static void AssertClose(Tensor expected, Tensor actual, double tol = 0)
    {
        Xunit.Assert.Equal(expected.SizesArray(), actual.SizesArray());
        var e = expected.ToDoubleArray();
        var a = actual.ToDoubleArray();
        for (int i = 0; i < e.Length; i++)
        {
            bool ok = e[i].Equals(a[i]) || Math.Abs(e[i] - a[i]) <= tol * Math.Max(1, Math.Abs(e[i]));
            Xunit.Assert.True(ok, $"element {i}: expected {e[i]}, got {a[i]}");
        }
    }
}
