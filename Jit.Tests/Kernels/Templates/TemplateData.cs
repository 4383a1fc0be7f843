using Jit.Ir;
using Jit.Runtime;
using Jit.Tensors;

namespace Jit.Tests.Kernels.Templates;

/// <summary>How a test tensor is laid out in memory; every layout has the same logical values' distribution.</summary>
internal enum TensorLayout
{
    Contiguous,
    /// <summary>Every dim reversed in memory (a full transpose).</summary>
    Transposed,
    /// <summary>Dim 0 stored once and expanded with stride 0.</summary>
    Expanded,
    /// <summary>Rows padded by 2 elements and the data starting 3 elements into the storage.</summary>
    Offset,
}

/// <summary>
/// Random arguments for the template tests. Floats are nonzero multiples of 1/8 in [-4, 4]: every
/// product and every sum the tests form is exact in float32, so results do not depend on the
/// order a kernel adds in and can be compared with tight tolerances. Ints are nonzero in [-9, 9].
/// </summary>
internal static class TemplateData
{
    public static Tensor Random(Random rng, DType dtype, long[] sizes, TensorLayout layout = TensorLayout.Contiguous)
    {
        int rank = sizes.Length;
        switch (layout)
        {
            case TensorLayout.Transposed when rank >= 2:
            {
                var stored = Filled(rng, dtype, sizes.Reverse().ToArray());
                return stored.AsStrided(sizes, stored.StridesArray().Reverse().ToArray(), 0);
            }
            case TensorLayout.Expanded when rank >= 1:
            {
                long[] storedSizes = [1, .. sizes[1..]];
                var stored = Filled(rng, dtype, storedSizes);
                long[] strides = [0, .. stored.StridesArray()[1..]];
                return stored.AsStrided(sizes, strides, 0);
            }
            case TensorLayout.Offset:
            {
                var strides = new long[rank];
                long step = 1;
                for (int d = rank - 1; d >= 0; d--)
                {
                    strides[d] = step;
                    step *= d == rank - 1 ? sizes[d] + 2 : sizes[d];
                }
                var stored = Filled(rng, dtype, [step + 3]);
                return stored.AsStrided(sizes, strides, 3);
            }
            default:
                return Filled(rng, dtype, sizes);
        }
    }

    /// <summary>Valid indices into a dim of <paramref name="bound"/> elements.</summary>
    public static Tensor Indices(Random rng, long bound, long[] sizes, DType dtype = DType.Int64)
    {
        var t = Tensor.Empty(dtype, sizes);
        for (long i = 0; i < t.NumElements; i++) t.SetLong(i, rng.NextInt64(bound));
        return t;
    }

    public static IValue Ints(params long[] values) =>
        IValue.FromList(new IValueList(IntType.Instance, values.Select(IValue.FromInt).ToList()));

    public static IValue List(params Tensor[] tensors) =>
        IValue.FromList(new IValueList(TensorType.Unknown, tensors.Select(IValue.FromTensor).ToList()));

    private static Tensor Filled(Random rng, DType dtype, long[] sizes)
    {
        var t = Tensor.Empty(dtype, sizes);
        for (long i = 0; i < t.NumElements; i++)
        {
            long k = rng.Next(1, 33) * (rng.Next(2) == 0 ? -1 : 1);
            if (dtype.IsFloatingPoint()) t.SetDouble(i, k / 8.0);
            else t.SetLong(i, k % 10 == 0 ? 1 : k % 10);
        }
        return t;
    }
}
